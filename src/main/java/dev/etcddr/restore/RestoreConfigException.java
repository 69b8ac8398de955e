package dev.etcddr.restore;

import dev.etcddr.EtcdDrException;

/** The restore flags do not describe a valid cluster (names, peer URLs, token, bump). Nothing was written. */
public final class RestoreConfigException extends EtcdDrException {
  public RestoreConfigException(String message) {
    super(message);
  }
}
