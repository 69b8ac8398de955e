package dev.etcddr.snapshot;

import dev.etcddr.EtcdDrException;

/** The input file (a snapshot to read) is missing, unreadable, or not a regular file. */
public final class InputFileException extends EtcdDrException {
  public InputFileException(String message) {
    super(message);
  }
}
