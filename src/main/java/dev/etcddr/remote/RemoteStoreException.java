package dev.etcddr.remote;

import dev.etcddr.EtcdDrException;

/** The remote store could not be reached, refused us (host key, authentication), or a transfer failed. */
public final class RemoteStoreException extends EtcdDrException {
  public RemoteStoreException(String message) {
    super(message);
  }

  public RemoteStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
