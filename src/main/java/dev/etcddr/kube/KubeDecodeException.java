package dev.etcddr.kube;

/** A value that claims a Kubernetes encoding but does not decode as one; the message says where it broke. */
final class KubeDecodeException extends RuntimeException {
  KubeDecodeException(String message) {
    super(message);
  }
}
