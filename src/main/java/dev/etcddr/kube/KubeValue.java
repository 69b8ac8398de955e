package dev.etcddr.kube;

/** A value under /registry as the apiserver stored it, recognised without its schema. */
public sealed interface KubeValue permits KubeValue.Decoded, KubeValue.Encrypted, KubeValue.Opaque {
  /** An object in protobuf ({@code k8s\0} + runtime.Unknown) or JSON (custom resources), its metadata read. */
  record Decoded(String encoding, ObjectMetadata metadata) implements KubeValue {}

  /**
   * A value the apiserver encrypted at rest ({@code k8s:enc:PROVIDER:VERSION:NAME:...}): only the provider, its
   * format version and the key or plugin name can be read. Bringing it back needs the apiserver to still have
   * that key.
   */
  record Encrypted(String provider, String version, String keyName) implements KubeValue {}

  /** Not a Kubernetes object (a raw counter, a foreign key), or one that claims an encoding and breaks it. */
  record Opaque(String why) implements KubeValue {}
}
