package dev.etcddr.undelete;

import dev.etcddr.EtcdDrException;

/** An undelete asked for something it cannot mean: no keys, both a prefix and keys, an overwrite of a key not asked for. */
public final class UndeleteRequestException extends EtcdDrException {
  public UndeleteRequestException(String message) {
    super(message);
  }
}
