package dev.etcddr.snapshot;

import dev.etcddr.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Where a new snapshot and its sidecar go and how they get there, for every producer of snapshot files
 * ({@code snapshot save}, {@code datadir export}): the output directory, the refusal to overwrite, and publishing
 * the pair sidecar first, snapshot last, each through a {@link PartFile}.
 */
final class SnapshotPublisher {
  private SnapshotPublisher() {}

  /** Sidecar first, snapshot last: a snapshot at its final name always has its sidecar beside it. */
  static void publish(PartFile snapshotPart, Path target, Path sidecar, SnapshotMetadata meta, boolean force) {
    Path sidecarPart = sidecar.resolveSibling(sidecar.getFileName() + ".part");
    boolean sidecarPublished = false;
    try (PartFile sidecarFile = PartFile.create(sidecarPart)) {
      sidecarFile.channel().write(ByteBuffer.wrap(Json.mapper().writeValueAsBytes(meta)));
      sidecarFile.publish(sidecar, force);
      sidecarPublished = true;
      snapshotPart.publish(target, force);
    } catch (FileAlreadyExistsException e) {
      cleanUpSidecar(sidecarPublished, sidecar);
      throw new OutputRefusedException(e.getFile() + " already exists; pass --force to replace it");
    } catch (IOException e) {
      cleanUpSidecar(sidecarPublished, sidecar);
      throw writeFailure(target, e);
    } catch (RuntimeException e) {
      cleanUpSidecar(sidecarPublished, sidecar);
      throw e;
    }
  }

  private static void cleanUpSidecar(boolean published, Path sidecar) {
    if (published) {
      try {
        Files.deleteIfExists(sidecar);
      } catch (IOException ignored) {
        // The snapshot was not published; a lone sidecar names a file that does not exist and is harmless.
      }
    }
  }

  static OutputRefusedException writeFailure(Path path, IOException e) {
    String why = e instanceof FileSystemException fse ? PartFile.reason(fse) : e.getMessage();
    if (why != null && why.contains("No space left")) {
      return new OutputRefusedException("disk full while writing " + path + " (" + why + "); nothing was kept."
          + " Free space or choose another --dir", e);
    }
    return new OutputRefusedException("writing " + path + " failed: " + why + "; nothing was kept", e);
  }

  static void refuseExisting(Path file, boolean force) {
    if (Files.isDirectory(file)) {
      throw new OutputRefusedException(file + " is a directory; to save into it use --dir " + file);
    }
    if (Files.exists(file) && !force) {
      throw new OutputRefusedException(file + " already exists; pass --force to replace it");
    }
  }

  /** The directory a snapshot goes to: FILE's, which must exist, or --dir, created 0700 when missing. */
  static Path outputDirectory(Optional<Path> file, Path dirFlag) {
    Path dir = file.map(f -> f.toAbsolutePath().getParent()).orElse(dirFlag.toAbsolutePath());
    if (Files.isDirectory(dir)) {
      return dir;
    }
    if (Files.exists(dir)) {
      throw new OutputRefusedException(dir + " is not a directory");
    }
    if (file.isPresent()) {
      throw new OutputRefusedException("directory " + dir + " does not exist");
    }
    try {
      // Snapshots hold every Secret of the cluster: the directory is private to its owner.
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return dir;
    } catch (FileSystemException e) {
      throw new OutputRefusedException("cannot create directory " + dir + ": " + PartFile.reason(e), e);
    } catch (IOException e) {
      throw new OutputRefusedException("cannot create directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
