package dev.etcddr.restore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.Json;
import dev.etcddr.snapshot.PartFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code D/etcd-dr-ID/restore.json}: which restore an ID dir belongs to, written before anything else in it, so a
 * second call with the same ID can tell "the same restore, resume or report it done" from "another one, refuse".
 * The snapshot is known by its size and last 32 bytes (its SHA-256 trailer), not its path, which may change.
 */
record InPlaceRecord(long snapshotBytes, String snapshotTail, String name, String memberId, String clusterId,
    long bumpRevision, boolean markCompacted) {

  static InPlaceRecord of(RestoreConfig c, ClusterPlan plan) {
    try (RandomAccessFile f = new RandomAccessFile(c.snapshot().toFile(), "r")) {
      long size = f.length();
      byte[] tail = new byte[(int) Math.min(32, size)];
      f.seek(size - tail.length);
      f.readFully(tail);
      return new InPlaceRecord(size, HexFormat.of().formatHex(tail), plan.self().name(),
          MemberIds.padded(plan.self().id()), MemberIds.padded(plan.clusterId()), c.bumpRevision(),
          c.markCompacted());
    } catch (IOException e) {
      throw new dev.etcddr.snapshot.InputFileException(c.snapshot() + ": cannot be read: " + e.getMessage());
    }
  }

  /** Empty when the file is missing or unreadable: then the dir is not known to be this restore's. */
  static Optional<InPlaceRecord> read(Path file) {
    try {
      ObjectMapper m = Json.mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
      return Files.isRegularFile(file) ? Optional.of(m.readValue(file.toFile(), InPlaceRecord.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  void write(Path file) throws IOException {
    try (PartFile part = PartFile.create(file.resolveSibling("." + file.getFileName() + ".part"))) {
      ByteBuffer b = ByteBuffer.wrap(Json.mapper().writeValueAsBytes(this));
      while (b.hasRemaining()) {
        part.channel().write(b);
      }
      part.publish(file, false);
    }
  }
}
