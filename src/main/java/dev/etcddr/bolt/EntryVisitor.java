package dev.etcddr.bolt;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives a bucket's entries in key order. Buffers are views into a page: valid only during the call. */
@FunctionalInterface
public interface EntryVisitor {
  /**
   * @param key the key bytes
   * @param value the value bytes (for a sub-bucket: its 16-byte header, plus the inline page if any)
   * @param bucket whether the entry is a sub-bucket
   */
  void visit(ByteBuffer key, ByteBuffer value, boolean bucket) throws IOException;
}
