package dev.etcddr.snapshot;

import dev.etcddr.EtcdDrException;

/** The snapshot bytes cannot be trusted: checksum trailer missing or wrong, stream cut short, db unreadable. */
public final class SnapshotIntegrityException extends EtcdDrException {
  public SnapshotIntegrityException(String message) {
    super(message);
  }

  public SnapshotIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
