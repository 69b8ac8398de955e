package dev.etcddr.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A saved snapshot's last 32 bytes must be the SHA-256 of everything before them. */
public final class TrailerCheck {
  /** The outcome: ok, or why not (no trailer at all is told apart from a wrong one). */
  public record Result(boolean ok, boolean present, String detail) {}

  private TrailerCheck() {}

  public static Result check(Path file) {
    SnapshotFiles.requireReadable(file);
    try {
      long size = Files.size(file);
      if (size % 512 != TrailerDigest.TRAILER) {
        return new Result(false, false, "no SHA-256 trailer: " + size + " bytes is not whole pages plus 32 (a raw"
            + " member/snap/db copy? then use --skip-hash-check; or a file cut short)");
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] expected = new byte[TrailerDigest.TRAILER];
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        long left = size - TrailerDigest.TRAILER;
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            return new Result(false, true, "file shrank while being read");
          }
          md.update(buf, 0, n);
          left -= n;
        }
        if (in.readNBytes(expected, 0, expected.length) != expected.length) {
          return new Result(false, true, "file shrank while being read");
        }
      }
      byte[] actual = md.digest();
      return MessageDigest.isEqual(actual, expected)
          ? new Result(true, true, "sha256 " + HexFormat.of().formatHex(actual) + " matches")
          : new Result(false, true, "trailer " + HexFormat.of().formatHex(expected) + " but the data hashes to "
              + HexFormat.of().formatHex(actual));
    } catch (IOException e) {
      return new Result(false, false, "cannot read: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
