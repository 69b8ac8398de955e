package dev.etcddr.snapshot;

import dev.etcddr.EtcdDrException;

/** The output could not or must not be written: target exists, directory not writable, disk full. */
public final class OutputRefusedException extends EtcdDrException {
  public OutputRefusedException(String message) {
    super(message);
  }

  public OutputRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
