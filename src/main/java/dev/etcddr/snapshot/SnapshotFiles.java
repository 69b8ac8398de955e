package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.bolt.BoltFormatException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opening snapshot files for reading, with the errors an operator can act on. */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  public static void requireReadable(Path file) {
    if (Files.isDirectory(file)) {
      throw new InputFileException(file + " is a directory, not a snapshot file");
    }
    if (!Files.exists(file)) {
      throw new InputFileException(file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new InputFileException(file + ": permission denied");
    }
  }

  public static BoltFile open(Path file) {
    requireReadable(file);
    try {
      return BoltFile.open(file);
    } catch (BoltFormatException e) {
      throw new SnapshotIntegrityException(e.getMessage(), e);
    } catch (NoSuchFileException | AccessDeniedException e) {
      throw new InputFileException(file + ": " + e.getMessage());
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot be read: " + e.getMessage());
    }
  }
}
