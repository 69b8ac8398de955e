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
 * One end of a copy between stores: a directory on this host or on an SFTP server, or a folder of an S3 bucket,
 * files addressed by name. Kept to the few primitives {@link SetCopy} needs so that the verification rules are
 * written once for every pair of ends. A side either writes {@code NAME.part} and renames it ({@link #create},
 * {@link #publish}), or, having no rename, writes a file in one step that shows nothing until it is complete
 * ({@link #writesWhole}, {@link #writeWhole}).
 */
public interface StoreSide {
  /** Where this directory is, for messages. */
  String location();

  /** Size of a regular file, empty when there is none. */
  OptionalLong size(String name) throws IOException;

  /** Reads a file from byte {@code offset}. */
  InputStream open(String name, long offset) throws IOException;

  /**
   * Writes a file (mode 0600): from its end when {@code append}, else from empty. Closing it makes it durable. Not
   * offered by a side that {@link #writesWhole}.
   */
  OutputStream create(String name, boolean append) throws IOException;

  /** Renames {@code from} to {@code to}, failing if {@code to} exists: a final name is never replaced. */
  void publish(String from, String to) throws IOException;

  /** Removes a file if it is there. */
  void delete(String name) throws IOException;

  /** Creates this directory and its missing parents (mode 0700: snapshots hold every Secret of the cluster). */
  void makeDirectories() throws IOException;

  /**
   * True when reading back what was written costs no network: the final check then hashes the file as stored.
   * Otherwise (the default: a remote side) it hashes what was sent (and reads back only a resumed prefix).
   */
  default boolean local() {
    return false;
  }

  /** The file as a path on this host, when it is one (never for a remote side). */
  default Optional<Path> localPath(String name) {
    return Optional.empty();
  }

  /**
   * True when this side has no rename and writes each file with {@link #writeWhole} instead of a {@code .part}: an
   * object store, where an object appears only once its upload is complete. There is nothing to resume then.
   */
  default boolean writesWhole() {
    return false;
  }

  /**
   * Writes {@code name} from {@code in} (read to its end; {@code size} and {@code sha256} are what the sidecar
   * expects, and a store may record them with the file) so that nothing appears under {@code name} unless all of it
   * arrived: {@code verify} runs after the last byte was read and before the file becomes visible, and when it
   * throws, or anything fails, nothing is left under {@code name}.
   * Never replaces: a {@code name} that appeared meanwhile fails with {@link java.nio.file.FileAlreadyExistsException}.
   * An {@link IOException} from reading {@code in} is passed on as it is.
   *
   * @return what was cleaned up first (an unfinished earlier upload of {@code name}), or null
   */
  default String writeWhole(String name, long size, String sha256, InputStream in, Runnable verify)
      throws IOException {
    throw new UnsupportedOperationException(location() + " writes NAME.part and renames it");
  }

  /**
   * The SHA-256 to compare with a sidecar's before refusing or accepting a file that is already there: by default
   * the file read back and hashed; a side whose store records the SHA-256 of the bytes it accepted (an object's
   * metadata, set by {@link #writeWhole} only after {@code verify} passed) may answer with that record.
   */
  default String recordedSha256(String name) throws IOException {
    return sha256Hex(name);
  }

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
