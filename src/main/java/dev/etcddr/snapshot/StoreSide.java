package dev.etcddr.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One end of a copy between stores: a directory on this host or on an SFTP server, files addressed by name. Kept to
 * the few primitives {@link SetCopy} needs so that the verification rules are written once for every pair of ends.
 */
public interface StoreSide {
  /** Where this directory is, for messages. */
  String location();

  /** Size of a regular file, empty when there is none. */
  OptionalLong size(String name) throws IOException;

  /** Reads a file from byte {@code offset}. */
  InputStream open(String name, long offset) throws IOException;

  /** Writes a file (mode 0600): from its end when {@code append}, else from empty. Closing it makes it durable. */
  OutputStream create(String name, boolean append) throws IOException;

  /** Renames {@code from} to {@code to}, failing if {@code to} exists: a final name is never replaced. */
  void publish(String from, String to) throws IOException;

  /** Removes a file if it is there. */
  void delete(String name) throws IOException;

  /** Creates this directory and its missing parents (mode 0700: snapshots hold every Secret of the cluster). */
  void makeDirectories() throws IOException;

  /**
   * True when reading back what was written costs no network: the final check then hashes the file as stored.
   * Otherwise it hashes what was sent (and reads back only a resumed prefix).
   */
  boolean local();

  /** The file as a path on this host, when it is one. */
  Optional<Path> localPath(String name);

  /** The exception (with this side's exit code) for an I/O failure while {@code doing}. */
  RuntimeException failure(String doing, IOException e);

  /** SHA-256 of the first {@code length} bytes of a file (all of it with {@code Long.MAX_VALUE}), as a digest. */
  default MessageDigest digest(String name, long length) throws IOException {
    MessageDigest d = sha256();
    if (length == 0) {
      return d;
    }
    try (InputStream in = open(name, 0)) {
      byte[] buf = new byte[1 << 16];
      long left = length;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        d.update(buf, 0, n);
        left -= n;
      }
    }
    return d;
  }

  /** SHA-256 of a whole file, hex. */
  default String sha256Hex(String name) throws IOException {
    return hex(digest(name, Long.MAX_VALUE));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }
}
