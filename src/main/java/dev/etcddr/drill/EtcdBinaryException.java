package dev.etcddr.drill;

import dev.etcddr.EtcdDrException;

/**
 * No etcd binary to run the drill with: none given, none on PATH, the one given cannot be run, or it is older than
 * the snapshot needs.
 */
public final class EtcdBinaryException extends EtcdDrException {
  public EtcdBinaryException(String message) {
    super(message);
  }
}
