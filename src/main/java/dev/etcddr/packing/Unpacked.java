package dev.etcddr.packing;

import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.PartFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A snapshot as the readers need it, raw: the file itself when it is not packed, else a temporary raw copy in a
 * private directory (0700, a random name, the file 0600: it holds every Secret of the cluster) that
 * {@link #close()} removes, as does a shutdown hook on Ctrl-C. The copy is made only after the identity opened the
 * header, and is checked against the sidecar's sha256 (packed) and raw_sha256 when there is a sidecar.
 */
public final class Unpacked implements AutoCloseable {
  private final Path given;
  private final Path raw;
  private final Path scratch;
  private final boolean checked;
  private final Thread cleanupOnExit;
  private PackedReader.Result result;

  private Unpacked(Path given, Path raw, Path scratch, boolean checked) {
    this.given = given;
    this.raw = raw;
    this.scratch = scratch;
    this.checked = checked;
    this.cleanupOnExit = scratch == null ? null : new Thread(this::deleteScratch, "etcd-dr-unpack-cleanup");
    if (cleanupOnExit != null) {
      Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }
  }

  /**
   * @param ageIdentity the key file for an encrypted {@code file}; not read for any other
   * @param scratchParent where the private temporary directory is made when {@code file} is packed
   */
  public static Unpacked open(Path file, Optional<Path> ageIdentity, Path scratchParent) {
    if (PackedReader.detect(file) == Layers.RAW) {
      return new Unpacked(file, file, null, false);
    }
    Optional<PackedSidecar> expected = PackedSidecar.of(file);
    try (PackedReader reader = PackedReader.open(file, Keys.identities(ageIdentity))) {
      Path scratch = createScratch(scratchParent);
      Unpacked u = new Unpacked(file, scratch.resolve(Names.rawName(file.getFileName().toString())), scratch,
          expected.isPresent());
      try (PartFile part = PartFile.create(u.raw.resolveSibling(u.raw.getFileName() + ".part"))) {
        // Flushed, not closed: closing it would close the channel that publish() fsyncs.
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(part.channel()), 1 << 16);
        u.result = reader.copyTo(out, expected);
        out.flush();
        part.publish(u.raw, false);
        return u;
      } catch (IOException e) {
        u.close();
        String why = e instanceof FileSystemException f ? PartFile.reason(f) : e.getMessage();
        throw new OutputRefusedException("writing the unpacked " + file.getFileName() + " in " + scratch
            + " failed: " + why, e);
      } catch (RuntimeException | Error e) {
        u.close();
        throw e;
      }
    }
  }

  private static Path createScratch(Path parent) {
    try {
      return Files.createTempDirectory(parent, ".etcd-dr-unpack-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      String why = e instanceof FileSystemException f ? PartFile.reason(f) : e.getMessage();
      throw new OutputRefusedException("cannot make a private directory in " + parent + " to unpack into: " + why,
          e);
    }
  }

  /** The raw snapshot to read. */
  public Path path() {
    return raw;
  }

  /** The file as given (the packed one, or the raw one itself). */
  public Path given() {
    return given;
  }

  public boolean packed() {
    return scratch != null;
  }

  /** For reports: what was peeled and what both forms hashed to; empty when not packed. */
  public Optional<String> summary() {
    if (result == null) {
      return Optional.empty();
    }
    return Optional.of(result.layers() + ": " + result.size() + " bytes (sha256 " + result.sha256()
        + ") unpacked to " + result.rawSize() + " (sha256 " + result.rawSha256() + ")"
        + (checked ? ", both as the sidecar says" : ", no sidecar to check against"));
  }

  private void deleteScratch() {
    deleteTree(scratch);
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort; a shutdown hook has no one to tell.
    }
  }

  @Override
  public void close() {
    if (scratch == null) {
      return;
    }
    deleteScratch();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway.
    }
  }
}
