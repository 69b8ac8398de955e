package dev.etcddr.restore;

import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.OutputRefusedException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** The host data dir checks of an in-place restore: only reads, and each refusal names the path at fault. */
final class DataDirChecks {
  private DataDirChecks() {}

  static void requireDataDir(Path dataDir, Path manifest) {
    if (!Files.isDirectory(dataDir)) {
      throw new DataDirStateException("data dir " + dataDir + " (the host dir behind --data-dir of " + manifest
          + ") " + (Files.exists(dataDir) ? "is not a directory" : "does not exist") + "; nothing to restore in place");
    }
  }

  /**
   * D/member is renamed, so it must be a real directory on D's filesystem (a mount point cannot be renamed); and
   * its WAL and snap dirs must be too, or etcd keeps them elsewhere and the restored member would quietly put them
   * on D's disk instead.
   */
  static void requireMovableMember(Path live, Path dataDir, Path manifest) {
    if (Files.isSymbolicLink(live)) {
      throw new DataDirStateException(live + " is a symbolic link (to " + target(live) + "); an in-place restore"
          + " renames the member dir itself, so it must be a real directory in " + dataDir);
    }
    if (!Files.isDirectory(live, LinkOption.NOFOLLOW_LINKS)) {
      throw new DataDirStateException(live + (Files.exists(live, LinkOption.NOFOLLOW_LINKS) ? " is not a directory"
          : " does not exist") + ": no etcd member in data dir " + dataDir + " (--data-dir of " + manifest
          + "); nothing to restore in place");
    }
    Object device = device(dataDir);
    if (!device.equals(device(live))) {
      throw new DataDirStateException(live + " is a mount point (another filesystem than " + dataDir + "), which"
          + " cannot be renamed; an in-place restore needs the member dir on the data dir's own filesystem");
    }
    for (String sub : List.of("wal", "snap")) {
      Path p = live.resolve(sub);
      if (Files.isSymbolicLink(p)) {
        throw new DataDirStateException(p + " is a symbolic link (to " + target(p) + "): etcd's " + sub + " lives"
            + " outside data dir " + dataDir + ", and the restored member would keep it on the data dir's disk");
      }
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !device.equals(device(p))) {
        throw new DataDirStateException(p + " is a mount point: etcd's " + sub + " lives on another filesystem than"
            + " data dir " + dataDir + ", and the restored member would keep it on the data dir's disk");
      }
    }
  }

  /** @param workDir D/etcd-dr-ID when it exists already, else null */
  static void requireWritable(Path dataDir, Path workDir) {
    for (Path dir : workDir == null ? List.of(dataDir) : List.of(dataDir, workDir)) {
      if (!Files.isWritable(dir)) {
        throw new OutputRefusedException("data dir " + dir + " is not writable (read-only filesystem or"
            + " permissions); an in-place restore renames inside it");
      }
    }
  }

  static long size(Path snapshot) {
    try {
      return Files.size(snapshot);
    } catch (IOException e) {
      throw new InputFileException(snapshot + ": cannot be read: " + why(e));
    }
  }

  static long usableSpace(Path dataDir) {
    try {
      return Files.getFileStore(dataDir).getUsableSpace();
    } catch (IOException e) {
      throw new OutputRefusedException("cannot tell the free space of data dir " + dataDir + ": " + why(e), e);
    }
  }

  static String why(IOException e) {
    if (e instanceof FileSystemException fse) {
      String file = fse.getFile() == null ? "" : fse.getFile() + (fse.getOtherFile() == null ? ""
          : " -> " + fse.getOtherFile()) + ": ";
      return file + (fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName());
    }
    return e.getMessage();
  }

  private static Object device(Path p) {
    try {
      return Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new DataDirStateException("cannot stat " + p + ": " + why(e));
    }
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "?";
    }
  }
}
