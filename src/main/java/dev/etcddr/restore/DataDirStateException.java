package dev.etcddr.restore;

import dev.etcddr.EtcdDrException;

/**
 * The host data dir is not in a state an in-place restore or its rollback can act on: no member dir, a member or
 * WAL on another filesystem or behind a link, nothing to roll back to. Nothing was changed.
 */
public final class DataDirStateException extends EtcdDrException {
  public DataDirStateException(String message) {
    super(message);
  }
}
