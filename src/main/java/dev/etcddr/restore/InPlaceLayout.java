package dev.etcddr.restore;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * Where an in-place restore keeps its work: everything inside the host data dir D, so every move is a rename on
 * one filesystem even when D is a mount point of its own (renaming D itself fails with EBUSY, a rename out of it
 * with EXDEV), and nothing is ever copied or deleted.
 *
 * <pre>
 * D/member                              what etcd runs from: the original, then the restored member
 * D/etcd-dr-ID/restore.json             which restore this is (snapshot fingerprint, member and cluster IDs)
 * D/etcd-dr-ID/restored/member          the restored member, built here (Restorer: hidden temp, fsync, rename)
 * D/etcd-dr-ID/original/member          the original member, moved aside by the swap
 * D/etcd-dr-ID/rolled-back/member       the restored member, moved aside by a rollback
 * </pre>
 *
 * <p>etcd starts normally with the extra directory next to member/ (checked by hand on this layout with etcd
 * 3.4.23 and 3.5.16, and by InPlaceRestoreIT on 3.5): it only warns, 3.4 "found invalid file/dir etcd-dr-ID under
 * data dir D (Ignore this if you are upgrading etcd)", 3.5 "found invalid file under data directory". It treats
 * only the names "member" and "proxy" specially, so the work dir must never be called that.
 */
record InPlaceLayout(Path dataDir, String restoreId) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** What is where, by name; each is present (a real directory, not a link) or not. */
  record State(boolean workDir, boolean live, boolean original, boolean restored, boolean rolledBack) {
    @Override
    public String toString() {
      return "member/ " + (live ? "present" : "absent") + ", original/member " + (original ? "present" : "absent")
          + ", restored/member " + (restored ? "present" : "absent") + ", rolled-back/member "
          + (rolledBack ? "present" : "absent");
    }
  }

  /** A restore ID becomes one path name inside D: no separators, no dot names, no option-like or hidden names. */
  static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new RestoreConfigException("--restore-id '" + id + "' must be 1-64 letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit (e.g. 20261127T190000Z)");
    }
  }

  Path workDir() {
    return dataDir.resolve("etcd-dr-" + restoreId);
  }

  Path live() {
    return dataDir.resolve("member");
  }

  Path record() {
    return workDir().resolve("restore.json");
  }

  /** The data dir {@link Restorer} builds; its member/ is the restored member. */
  Path restoredDataDir() {
    return workDir().resolve("restored");
  }

  Path restored() {
    return restoredDataDir().resolve("member");
  }

  Path original() {
    return workDir().resolve("original/member");
  }

  Path rolledBack() {
    return workDir().resolve("rolled-back/member");
  }

  State state() {
    return new State(isDir(workDir()), isDir(live()), isDir(original()), isDir(restored()), isDir(rolledBack()));
  }

  static boolean isDir(Path p) {
    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** A directory of mode 0700 if it is not there yet, made durable in its parent. */
  static void ensureDir(Path dir) throws IOException {
    if (!isDir(dir)) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Restorer.fsyncDir(dir.getParent());
    }
  }

  /**
   * rename(2), never a copy (ATOMIC_MOVE fails instead of copying across filesystems), onto a name that must not
   * exist; then both parents are fsynced so the move survives a power cut.
   */
  static void move(Path from, Path to) throws IOException {
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(to.toString());
    }
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    Restorer.fsyncDir(to.getParent());
    if (!from.getParent().equals(to.getParent())) {
      Restorer.fsyncDir(from.getParent());
    }
  }
}
