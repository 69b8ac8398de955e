package dev.etcddr.testing;

import dev.etcddr.bolt.BoltWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A small snapshot without etcd, for unit tests: a bbolt db with a few revisions in "key", and the SHA-256 trailer. */
public final class TinySnapshot {
  private TinySnapshot() {}

  public static Path write(Path file, int revisions) throws IOException {
    try (BoltWriter w = BoltWriter.create(file)) {
      w.beginBucket("key".getBytes());
      for (int rev = 1; rev <= revisions; rev++) {
        ByteBuffer k = ByteBuffer.allocate(17).putLong(rev).put((byte) '_').putLong(0).flip();
        w.put(k, ByteBuffer.wrap(("value-" + rev).getBytes()));
      }
      w.endBucket();
      w.beginBucket("meta".getBytes());
      w.put(ByteBuffer.wrap("consistent_index".getBytes()), ByteBuffer.allocate(8).putLong(revisions).flip());
      w.endBucket();
      w.finish(2);
    }
    try {
      byte[] sum = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      Files.write(file, sum, StandardOpenOption.APPEND);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return file;
  }
}
