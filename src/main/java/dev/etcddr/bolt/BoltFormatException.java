package dev.etcddr.bolt;

import java.io.IOException;

/** The file is not a well-formed bbolt database (bad meta page, page out of range, broken tree). */
public final class BoltFormatException extends IOException {
  public BoltFormatException(String message) {
    super(message);
  }
}
