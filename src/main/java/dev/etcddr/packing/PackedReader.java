package dev.etcddr.packing;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.etcddr.crypt.AgeDecryptor;
import dev.etcddr.crypt.AgeException;
import dev.etcddr.crypt.AgeKeyException;
import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.PartFile;
import dev.etcddr.snapshot.SnapshotFiles;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A packed file read back to its raw bytes: age peeled first (the identity is checked against the header before a
 * byte is handed out), then zstd. Both forms are counted and hashed in the same pass and, when a sidecar speaks
 * of the file, held to it: a file that is not what its sidecar vouches for is refused even if it decrypts.
 */
final class PackedReader implements Closeable {
  /** What was read, both forms. */
  record Result(boolean age, boolean zstd, long size, String sha256, long rawSize, String rawSha256) {
    String layers() {
      return describe(age, zstd);
    }
  }

  private final Path file;
  private final boolean age;
  private final boolean zstd;
  private final Counting packed;
  private final PushbackInputStream outer;
  private final Counting raw = new Counting();
  private final InputStream rawStream;

  private PackedReader(Path file, boolean age, boolean zstd, Counting packed, PushbackInputStream outer,
      InputStream inner) {
    this.file = file;
    this.age = age;
    this.zstd = zstd;
    this.packed = packed;
    this.outer = outer;
    this.rawStream = raw.in(inner);
  }

  static String describe(boolean age, boolean zstd) {
    return age && zstd ? "zstd+age" : age ? "age" : zstd ? "zstd" : "none";
  }

  /** The outer layer of {@code file}, from its first bytes. */
  static Layers detect(Path file) {
    SnapshotFiles.requireReadable(file);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(Layers.HEAD);
      return Layers.of(head, head.length);
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot be read: " + e.getMessage());
    }
  }

  /**
   * Opens a file whose outer layer is zstd or age.
   *
   * @throws AgeKeyException when it is encrypted and no identity given opens it (before anything is written)
   */
  static PackedReader open(Path file, Keys.IdentitySource identities) {
    InputStream in;
    try {
      in = Files.newInputStream(file);
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot be read: " + e.getMessage());
    }
    try {
      Counting packed = new Counting();
      PushbackInputStream outer = new PushbackInputStream(packed.in(new BufferedInputStream(in, 1 << 16)),
          Layers.HEAD);
      Layers layer = peek(outer);
      if (layer == Layers.RAW) {
        throw new InputFileException(file + " is not packed: it starts with neither a zstd frame nor an age header");
      }
      boolean age = layer == Layers.AGE;
      InputStream s = outer;
      boolean zstd = layer == Layers.ZSTD;
      if (age) {
        PushbackInputStream plain = new PushbackInputStream(AgeDecryptor.open(outer,
            identities.identities(file.toString())), Layers.HEAD);
        zstd = peek(plain) == Layers.ZSTD;
        s = plain;
      }
      if (zstd) {
        s = new ZstdInputStreamNoFinalizer(s);
      }
      return new PackedReader(file, age, zstd, packed, outer, s);
    } catch (AgeKeyException e) {
      closeQuietly(in);
      throw new AgeKeyException(file + ": " + e.getMessage(), e);
    } catch (AgeException e) {
      closeQuietly(in);
      throw new SnapshotIntegrityException(file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      closeQuietly(in);
      throw failure(file, false, e);
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  private static Layers peek(PushbackInputStream in) throws IOException {
    byte[] head = in.readNBytes(Layers.HEAD);
    in.unread(head);
    return Layers.of(head, head.length);
  }

  boolean age() {
    return age;
  }

  /**
   * Writes the raw bytes to {@code out} (not closed), then holds both forms to {@code expected}. Stops as soon as
   * more raw bytes come than the sidecar's {@code raw_size}.
   */
  Result copyTo(OutputStream out, Optional<PackedSidecar> expected) {
    Long limit = expected.map(PackedSidecar::rawSize).orElse(null);
    byte[] buf = new byte[1 << 16];
    while (true) {
      int n;
      try {
        n = rawStream.read(buf);
      } catch (IOException | RuntimeException e) {
        throw readFailure(e);
      }
      if (n < 0) {
        break;
      }
      if (limit != null && raw.bytes() > limit) {
        throw new SnapshotIntegrityException(file + " unpacks to more than the " + limit + " bytes its sidecar "
            + expected.get().sidecar().getFileName() + " says (raw_size); refusing it");
      }
      try {
        out.write(buf, 0, n);
      } catch (IOException e) {
        String why = e instanceof FileSystemException f ? PartFile.reason(f) : e.getMessage();
        throw new OutputRefusedException("writing the unpacked " + file.getFileName() + " failed: " + why, e);
      }
    }
    try {
      if (outer.read() >= 0) {
        throw new SnapshotIntegrityException(file + ": bytes follow the end of its " + (age ? "age payload"
            : "zstd frame") + ": the file was changed or two files were joined");
      }
    } catch (IOException e) {
      throw readFailure(e);
    }
    Result r = new Result(age, zstd, packed.bytes(), packed.sha256(), raw.bytes(), raw.sha256());
    expected.ifPresent(x -> check(r, x));
    return r;
  }

  private void check(Result r, PackedSidecar x) {
    String where = "its sidecar " + x.sidecar().getFileName();
    if (x.size() != null && x.size() != r.size()) {
      throw new SnapshotIntegrityException(file + " has " + r.size() + " bytes, " + where + " says " + x.size());
    }
    if (x.sha256() != null && !x.sha256().equals(r.sha256())) {
      throw new SnapshotIntegrityException(file + " has sha256 " + r.sha256() + ", " + where + " says "
          + x.sha256());
    }
    if (x.rawSize() != null && x.rawSize() != r.rawSize()) {
      throw new SnapshotIntegrityException(file + " unpacks to " + r.rawSize() + " bytes, " + where + " says "
          + x.rawSize() + " (raw_size)");
    }
    if (x.rawSha256() != null && !x.rawSha256().equals(r.rawSha256())) {
      throw new SnapshotIntegrityException(file + " unpacks to sha256 " + r.rawSha256() + ", " + where + " says "
          + x.rawSha256() + " (raw_sha256)");
    }
  }

  private RuntimeException readFailure(Exception e) {
    return failure(file, zstd, e);
  }

  private static RuntimeException failure(Path file, boolean zstd, Exception e) {
    if (e instanceof AgeKeyException k) {
      return new AgeKeyException(file + ": " + k.getMessage(), k);
    }
    if (e instanceof AgeException || e instanceof ZstdIOException || e instanceof ZstdException) {
      return new SnapshotIntegrityException(file + ": " + (zstd && !(e instanceof AgeException) ? "zstd: " : "")
          + e.getMessage() + "; the packed file is damaged or cut short", e);
    }
    if (e instanceof SnapshotIntegrityException s) {
      return s;
    }
    if (e instanceof RuntimeException r) {
      return r;
    }
    return new InputFileException(file + ": cannot be read: " + e.getMessage());
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the failure being reported says more
    }
  }

  @Override
  public void close() {
    try {
      rawStream.close();
    } catch (IOException ignored) {
      // read-only: nothing is lost
    }
  }
}
