package dev.etcddr.etcd;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives the snapshot stream, chunk by chunk, in order, on the thread that called {@code snapshot}. */
@FunctionalInterface
public interface SnapshotChunkSink {
  void write(ByteBuffer chunk) throws IOException;
}
