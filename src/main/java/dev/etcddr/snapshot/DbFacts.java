package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The etcd facts a snapshot file itself holds: its store revision (the main revision of the greatest key in the
 * {@code key} bucket, whose keys are big-endian revisions) and the raft index it was taken at
 * ({@code consistent_index} in the {@code meta} bucket).
 */
public record DbFacts(long revision, long consistentIndex, long dbBytes) {

  public static DbFacts read(Path file) throws IOException {
    try (BoltFile db = BoltFile.open(file)) {
      long revision = db.lastKey("key").map(k -> k.length >= 8 ? ByteBuffer.wrap(k).getLong() : 0L).orElse(0L);
      Optional<byte[]> ci = db.get("meta", "consistent_index".getBytes(StandardCharsets.US_ASCII));
      long consistentIndex = ci.filter(v -> v.length == 8).map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
      return new DbFacts(revision, consistentIndex, db.meta().highWaterPgid() * db.meta().pageSize());
    }
  }
}
