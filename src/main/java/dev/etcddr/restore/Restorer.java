package dev.etcddr.restore;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.packing.Unpacked;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.SnapshotFiles;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import dev.etcddr.snapshot.TrailerCheck;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code snapshot restore}: one member's data dir, built without etcd. Checks come first (flags, target, the
 * snapshot's SHA-256), then the dir is built in a hidden sibling directory (0700) and renamed into place, so a
 * failure at any point leaves nothing behind: not even the missing parents of {@code --data-dir}, which are created
 * as etcdutl creates them. The db is copied page by page; memory does not grow with its size.
 */
public final class Restorer {
  /**
   * A packed snapshot (zstd, age) is first unpacked into a private directory beside the data dir (in the nearest
   * of its parents that exists), on the filesystem sized for etcd's data rather than in /tmp, and removed after.
   * The flags and the target are checked before; a key that does not open it is refused before anything is written.
   */
  public RestoreResult restore(RestoreConfig c, Optional<Path> ageIdentity) {
    plan(c);
    Path target = c.dataDir().toAbsolutePath().normalize();
    refuseNonEmpty(target);
    try (Unpacked raw = Unpacked.open(c.snapshot(), ageIdentity, nearestDirectory(target))) {
      return restore(c.withSnapshot(raw.path()));
    }
  }

  static Path nearestDirectory(Path target) {
    Path p = target.getParent();
    while (p != null && !Files.isDirectory(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new OutputRefusedException("no existing directory above " + target);
    }
    return p;
  }

  public RestoreResult restore(RestoreConfig c) {
    ClusterPlan plan = plan(c);
    Path target = c.dataDir().toAbsolutePath().normalize();
    refuseNonEmpty(target);
    verifySnapshot(c);
    Path parent = target.getParent();
    if (parent == null) {
      throw new OutputRefusedException("--data-dir " + target + " is the root directory");
    }
    List<Path> createdParents = createParents(parent);
    Path temp = parent.resolve("." + target.getFileName() + ".restore-"
        + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)));
    try {
      List<String> files = new ArrayList<>();
      DbRewriter.Result db = build(c, plan, temp, files);
      publish(temp, target);
      createdParents.clear();
      return new RestoreResult(target.toString(), plan.self().name(), MemberIds.padded(plan.self().id()),
          MemberIds.padded(plan.clusterId()), plan.members().stream().map(m -> new RestoreResult.MemberView(m.name(),
              MemberIds.padded(m.id()), m.peerUrls())).toList(), db.revisionBefore(), db.revisionAfter(),
          c.markCompacted(), files);
    } catch (IOException e) {
      deleteTree(temp);
      deleteCreated(createdParents);
      String why = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
      if (why != null && why.contains("No space left")) {
        throw new OutputRefusedException("disk full while building " + target + "; nothing was kept", e);
      }
      throw new OutputRefusedException("building " + target + " failed: " + why + "; nothing was kept", e);
    } catch (RuntimeException | Error e) {
      // An Error too: out of heap, the caller reports it and exits, and nothing may be left behind either.
      deleteTree(temp);
      deleteCreated(createdParents);
      throw e;
    }
  }

  /**
   * Every check {@link #restore} makes before it writes, but the one on the target dir: flags, cluster, the snapshot
   * readable and (unless skipped) its SHA-256. Writes nothing.
   */
  public ClusterPlan check(RestoreConfig c) {
    ClusterPlan plan = plan(c);
    verifySnapshot(c);
    return plan;
  }

  private static ClusterPlan plan(RestoreConfig c) {
    if (c.bumpRevision() < 0) {
      throw new RestoreConfigException("--bump-revision must not be negative");
    }
    if (c.bumpRevision() > 0 && !c.markCompacted()) {
      throw new RestoreConfigException("--mark-compacted required if --bump-revision > 0 (otherwise watchers would"
          + " miss the skipped revisions instead of being told to relist)");
    }
    if (c.markCompacted() && c.bumpRevision() == 0) {
      throw new RestoreConfigException("--mark-compacted needs --bump-revision N > 0");
    }
    return ClusterPlan.of(c);
  }

  private static void verifySnapshot(RestoreConfig c) {
    SnapshotFiles.requireReadable(c.snapshot());
    if (!c.skipHashCheck()) {
      TrailerCheck.Result hash = TrailerCheck.check(c.snapshot());
      if (!hash.ok()) {
        throw new SnapshotIntegrityException(c.snapshot() + ": " + hash.detail()
            + (hash.present() ? "; refusing to restore it" : ""));
      }
    }
  }

  private static DbRewriter.Result build(RestoreConfig c, ClusterPlan plan, Path temp, List<String> files)
      throws IOException {
    Path snapDir = temp.resolve("member/snap");
    Path walDir = temp.resolve("member/wal");
    for (Path d : List.of(temp, temp.resolve("member"), snapDir, walDir)) {
      Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    DbRewriter.Result db;
    try (BoltFile source = SnapshotFiles.open(c.snapshot())) {
      db = DbRewriter.rewrite(source, snapDir.resolve("db"), plan, c.bumpRevision());
    }
    if (db.structure().problemCount() > 0) {
      throw new SnapshotIntegrityException(c.snapshot() + ": the db is damaged, refusing to restore it: "
          + String.join("; ", db.structure().problems().subList(0, Math.min(3, db.structure().problems().size()))));
    }
    files.add("member/snap/db");
    Path snap = snapDir.resolve(RaftFiles.snapName(plan.members().size()));
    writeFile(snap, RaftFiles.snap(plan.members()), "rw-r--r--", 0);
    files.add("member/snap/" + snap.getFileName());
    Path wal = walDir.resolve(RaftFiles.walName());
    writeFile(wal, RaftFiles.wal(plan.members(), plan.self().id(), plan.clusterId()), "rw-------",
        RaftFiles.WAL_SEGMENT_BYTES);
    files.add("member/wal/" + wal.getFileName());
    for (Path d : List.of(snapDir, walDir, temp.resolve("member"), temp)) {
      fsyncDir(d);
    }
    return db;
  }

  /**
   * The data dir's missing parents, created as etcdutl 3.6 creates them: {@code mkdir -p} at 0700
   * ({@code client/pkg/fileutil/fileutil.go CreateDirAll} → {@code TouchDirAll} → {@code os.MkdirAll}, reached from
   * {@code copyAndVerifyDB}'s snap dir; etcdutl 3.5 does the same). Unlike etcdutl, a failed restore removes them
   * again, so bad input leaves the host as it was.
   *
   * @return the dirs created, outermost first
   */
  private static List<Path> createParents(Path parent) {
    List<Path> missing = new ArrayList<>();
    Path p = parent;
    while (p != null && !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      missing.add(0, p);
      p = p.getParent();
    }
    if (p != null && !Files.isDirectory(p)) {
      throw new OutputRefusedException("cannot create --data-dir under " + parent + ": " + p
          + " exists and is not a directory");
    }
    List<Path> created = new ArrayList<>();
    try {
      for (Path d : missing) {
        Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        created.add(d);
      }
      return created;
    } catch (IOException e) {
      deleteCreated(created);
      String why = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
      throw new OutputRefusedException("cannot create " + parent + ", the parent of --data-dir: " + why, e);
    }
  }

  /** Removes the parents {@link #createParents} made, innermost first, if still empty. */
  private static void deleteCreated(List<Path> created) {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(created.get(i));
      } catch (IOException e) {
        return; // not empty, or not ours to remove any more: keep it and its parents
      }
    }
  }

  /** Writes bytes, sizes the file to {@code length} if larger (sparse zeros, as a preallocated WAL), fsyncs. */
  private static void writeFile(Path file, byte[] bytes, String mode, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, java.util.EnumSet.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)))) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    if (length > bytes.length) {
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(length);
        raf.getFD().sync();
      }
    }
  }

  static void fsyncDir(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** etcd 3.5 semantics: the data dir may exist only if empty. */
  private static void refuseNonEmpty(Path target) {
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw new OutputRefusedException("--data-dir " + target + " exists and is not a directory");
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(target)) {
      if (s.iterator().hasNext()) {
        throw new OutputRefusedException("--data-dir " + target + " is not empty; restore never writes over a data"
            + " dir (move it aside, or choose a new one)");
      }
    } catch (IOException e) {
      throw new OutputRefusedException("--data-dir " + target + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static void publish(Path temp, Path target) throws IOException {
    if (Files.isDirectory(target)) {
      Files.delete(target); // empty, checked above
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDir(target.getParent());
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort; the temp dir is hidden and named as etcd-dr's.
    }
  }
}
