package dev.etcddr.etcd;

import dev.etcddr.EtcdDrException;

/** No usable etcd member answered: down, timed out, refused the request, or not one cluster. */
public final class EtcdUnavailableException extends EtcdDrException {
  public EtcdUnavailableException(String message) {
    super(message);
  }

  public EtcdUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
