package dev.etcddr.restore;

import dev.etcddr.manifest.DataDirRules;
import dev.etcddr.packing.Unpacked;
import dev.etcddr.snapshot.OutputRefusedException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code snapshot restore --in-place}: the restored member takes the place of D/member, so the manifest's data dir
 * stays byte for byte what it was (a later {@code kubeadm upgrade} that rewrites etcd.yaml with it still finds the
 * restored data) and the data stays on D's own disk. Layout in {@link InPlaceLayout}.
 *
 * <p>Every check comes before the first write, and {@code dryRun} stops right after them. Then, each step made
 * durable (fsync of the files and of every directory a rename touched) before the next, so a power cut leaves one
 * of these states, each of which {@link DataDirRollback} repairs and a second call with the same ID finishes:
 * <ol>
 *   <li>D/etcd-dr-ID exists, maybe with restore.json and a hidden, half-built {@code .restored.restore-*}; D/member
 *       is the untouched original. Rollback: "never_swapped". Same restore again: builds anew (the half-built dir
 *       is its own, and removed); without restore.json the ID is refused, choose another.
 *   <li>D/etcd-dr-ID/restored/member complete (the builder renames it into place only after fsync); D/member the
 *       original. Rollback: "never_swapped". Again: the swap.
 *   <li>D/member renamed to D/etcd-dr-ID/original/member; D/member absent. etcd must not start now: on an empty
 *       data dir it would bootstrap a new, empty cluster from the manifest's flags (the playbook keeps it stopped
 *       until this command returns 0). Rollback: original back. Again: moves restored/member in.
 *   <li>D/etcd-dr-ID/restored/member renamed to D/member: done. Rollback: restored member to rolled-back/member,
 *       original back. Again: "already_restored", nothing touched.
 * </ol>
 * A rename is one journaled metadata change, so after a crash each one has happened entirely or not at all.
 */
public final class InPlaceRestorer {
  /**
   * @param spaceFactor free space on D's filesystem required before building, as a multiple of the snapshot's size
   * @param ageIdentity the key file that opens an encrypted snapshot; not read for any other
   */
  public record Request(Path snapshot, Path manifest, String restoreId, RestoreFlags flags, double spaceFactor,
      boolean dryRun, Optional<Path> ageIdentity) {}

  /** Two WAL segments: the restored one, and the one etcd preallocates when it starts. */
  static final long WAL_ROOM = 2 * RaftFiles.WAL_SEGMENT_BYTES;

  private enum Phase { BUILD, MOVE_ASIDE, MOVE_IN, DONE }

  private final Restorer restorer = new Restorer();

  public InPlaceResult restore(Request r) {
    InPlaceLayout.checkId(r.restoreId());
    if (!(r.spaceFactor() >= 1)) {
      throw new RestoreConfigException("--space-factor " + r.spaceFactor() + " must be at least 1 (the restored db"
          + " is about the snapshot's size)");
    }
    DataDirRules.EtcdDataDir d = new DataDirRules().check(r.manifest(), "restore in place");
    InPlaceLayout layout = new InPlaceLayout(Path.of(d.hostDataDir()), r.restoreId());
    Path dataDir = layout.dataDir();
    DataDirChecks.requireDataDir(dataDir, r.manifest());
    // A packed snapshot is unpacked into D itself (a hidden private dir, removed after, --dry-run too): D's
    // filesystem is the one sized for etcd's data, and the space check below then sees what the copy took.
    try (Unpacked raw = Unpacked.open(r.snapshot(), r.ageIdentity(), dataDir)) {
      return restore(r, d, layout, raw.path());
    }
  }

  private InPlaceResult restore(Request r, DataDirRules.EtcdDataDir d, InPlaceLayout layout, Path snapshot) {
    Path dataDir = layout.dataDir();
    RestoreConfig c = r.flags().toConfig(snapshot, d.member(), layout.restoredDataDir());
    ClusterPlan plan = restorer.check(c);
    InPlaceRecord wanted = InPlaceRecord.of(c, plan);
    InPlaceLayout.State state = layout.state();
    Phase phase = phase(layout, state, wanted);
    if (phase == Phase.BUILD || phase == Phase.MOVE_ASIDE) {
      DataDirChecks.requireMovableMember(layout.live(), dataDir, r.manifest());
    }
    if (phase != Phase.DONE) {
      DataDirChecks.requireWritable(dataDir, state.workDir() ? layout.workDir() : null);
    }
    long size = DataDirChecks.size(snapshot);
    long free = DataDirChecks.usableSpace(dataDir);
    // Beyond the db, etcd's first start fills the restored WAL segment and preallocates the next one (64 MB each,
    // for real: InPlaceRestoreIT's first tmpfs was too small for that, though it held the db twice over).
    double need = phase == Phase.BUILD ? Math.ceil(r.spaceFactor() * size) + WAL_ROOM : 0;
    long required = need >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) need;
    if (free < required) {
      throw new OutputRefusedException("not enough free space for the restored member on the filesystem of data dir "
          + dataDir + ": " + free + " bytes free, " + required + " needed (" + r.spaceFactor() + " × the snapshot's "
          + size + " + " + WAL_ROOM + " for etcd's WAL); free some space, or lower --space-factor if you know the"
          + " restored db is smaller");
    }

    List<String> steps = new ArrayList<>();
    if (phase == Phase.BUILD) {
      steps.add("build " + layout.restored() + " from " + r.snapshot());
    }
    if (phase == Phase.BUILD || phase == Phase.MOVE_ASIDE) {
      steps.add("move " + layout.live() + " to " + layout.original());
    }
    if (phase != Phase.DONE) {
      steps.add("move " + layout.restored() + " to " + layout.live());
    }
    boolean resuming = state.workDir() && phase != Phase.DONE;
    RestoreResult built = null;
    if (!r.dryRun() && phase != Phase.DONE) {
      built = perform(c, layout, phase, wanted);
    }
    String status;
    if (phase == Phase.DONE) {
      status = "already_restored";
    } else if (r.dryRun()) {
      status = resuming ? "would_resume" : "would_restore";
    } else {
      status = resuming ? "resumed" : "restored";
    }
    return new InPlaceResult(status, r.dryRun(), r.restoreId(), dataDir.toString(), layout.original().toString(),
        layout.workDir().toString(), r.snapshot().toString(), size, free, required, plan.self().name(),
        MemberIds.padded(plan.self().id()), MemberIds.padded(plan.clusterId()), plan.members().stream()
            .map(m -> new RestoreResult.MemberView(m.name(), MemberIds.padded(m.id()), m.peerUrls())).toList(),
        built == null ? null : built.revisionBefore(), built == null ? null : built.revisionAfter(),
        c.markCompacted(), steps);
  }

  /** Where this restore stands in D, from what is there; see the states in the class comment. */
  private static Phase phase(InPlaceLayout layout, InPlaceLayout.State s, InPlaceRecord wanted) {
    if (!s.workDir()) {
      if (Files.exists(layout.workDir(), LinkOption.NOFOLLOW_LINKS)) {
        throw new OutputRefusedException(layout.workDir() + " already exists and is not a directory; choose a new"
            + " --restore-id");
      }
      return Phase.BUILD;
    }
    Optional<InPlaceRecord> found = InPlaceRecord.read(layout.record());
    if (found.isEmpty() || !found.get().equals(wanted)) {
      throw new OutputRefusedException(layout.workDir() + " already exists"
          + found.map(f -> " from another restore (member " + f.memberId() + " of cluster " + f.clusterId()
              + " from a snapshot of " + f.snapshotBytes() + " bytes)").orElse(" without " + layout.record())
          + "; choose a new --restore-id, or undo that restore with `etcd-dr datadir rollback --restore-id "
          + layout.restoreId() + "`");
    }
    if (s.rolledBack()) {
      throw new OutputRefusedException("restore " + layout.restoreId() + " in " + layout.dataDir() + " was rolled back ("
          + layout.rolledBack() + " exists); choose a new --restore-id to restore again");
    }
    if (s.live() && !s.original()) {
      return s.restored() ? Phase.MOVE_ASIDE : Phase.BUILD;
    }
    if (!s.live() && s.original() && s.restored()) {
      return Phase.MOVE_IN;
    }
    if (s.live() && s.original() && !s.restored()) {
      return Phase.DONE;
    }
    throw new DataDirStateException(layout.dataDir() + " is in a state no in-place restore leaves (" + s + ");"
        + " look at it by hand, or roll back with `etcd-dr datadir rollback --restore-id " + layout.restoreId() + "`");
  }

  private RestoreResult perform(RestoreConfig c, InPlaceLayout layout, Phase from, InPlaceRecord wanted) {
    String step = "";
    try {
      RestoreResult built = null;
      if (from == Phase.BUILD) {
        step = "creating " + layout.workDir();
        if (!InPlaceLayout.isDir(layout.workDir())) {
          InPlaceLayout.ensureDir(layout.workDir());
          wanted.write(layout.record());
        }
        removeHalfBuilt(layout);
        step = "building " + layout.restored();
        built = restorer.restore(c);
      }
      if (from == Phase.BUILD || from == Phase.MOVE_ASIDE) {
        step = "moving " + layout.live() + " to " + layout.original();
        InPlaceLayout.ensureDir(layout.original().getParent());
        InPlaceLayout.move(layout.live(), layout.original());
      }
      step = "moving " + layout.restored() + " to " + layout.live();
      InPlaceLayout.move(layout.restored(), layout.live());
      return built;
    } catch (IOException e) {
      throw new OutputRefusedException("in-place restore of " + layout.dataDir() + " stopped " + step + ": " + DataDirChecks.why(e)
          + "; run the same command again to finish it, or `etcd-dr datadir rollback --restore-id "
          + layout.restoreId() + "` to undo it", e);
    }
  }

  /** A build a crash interrupted (state 1): the builder's own hidden temp dir, never data etcd ran from. */
  private static void removeHalfBuilt(InPlaceLayout layout) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layout.workDir(), ".restored.restore-*")) {
      for (Path temp : s) {
        try (Stream<Path> paths = Files.walk(temp)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }
}
