package dev.etcddr.remote;

import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.LatestPicker;
import dev.etcddr.snapshot.LatestSnapshot;
import dev.etcddr.snapshot.RetentionPlanner;
import dev.etcddr.snapshot.SetCopy;
import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.snapshot.SnapshotStore;
import dev.etcddr.snapshot.StoredSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The store verbs the CLI offers: push, list, prune, pull, latest — one call each, one store per call. */
public final class StoreOperations {
  private final StoreAccess access;

  public StoreOperations(StoreAccess access) {
    this.access = access;
  }

  /**
   * What a push did. {@code verified}: every file arrived with the size and SHA-256 its sidecar gives (or was
   * already there with them); {@code files} says how each one got there.
   */
  public record PushResult(String location, String file, boolean verified, List<SetCopy.CopiedFile> files) {}

  /** What a pull did, as for a push. */
  public record PullResult(String location, String file, String dir, boolean verified,
      List<SetCopy.CopiedFile> files) {}

  public PushResult push(Path snapshot, String location) {
    if (!Files.isRegularFile(snapshot)) {
      throw new InputFileException(snapshot + ": no such file");
    }
    if (SnapshotName.parse(snapshot.getFileName().toString()).isEmpty()) {
      throw new InputFileException(snapshot + ": not a default snapshot name (etcd-<cluster>-<time>-r<rev>-<member>"
          + ".db); stores keep only names that sort and parse back, so retention can order them");
    }
    Path sidecar = snapshot.resolveSibling(snapshot.getFileName() + ".json");
    if (!Files.isRegularFile(sidecar)) {
      throw new InputFileException(sidecar + ": missing; a snapshot is pushed only with its sidecar (written by"
          + " `snapshot save` after the checksum passed)");
    }
    try (SnapshotStore store = Stores.open(location, access)) {
      List<SetCopy.CopiedFile> files = store.upload(snapshot);
      return new PushResult(store.location(), snapshot.getFileName().toString(), true, files);
    }
  }

  public List<StoredSnapshot> list(String location) {
    try (SnapshotStore store = Stores.open(location, access)) {
      return store.list();
    }
  }

  /** Applies the retention plan; with {@code dryRun} only says what it would delete. */
  public RetentionPlanner.Plan prune(String location, int keepLast, int keepDaily, int keepWeekly, boolean dryRun) {
    try (SnapshotStore store = Stores.open(location, access)) {
      RetentionPlanner.Plan plan = RetentionPlanner.plan(store.list(), keepLast, keepDaily, keepWeekly);
      if (!dryRun) {
        plan.delete().forEach(s -> store.delete(s.name()));
      }
      return plan;
    }
  }

  public PullResult pull(String name, String location, Path dir) {
    if (SnapshotName.parse(name).isEmpty()) {
      throw new InputFileException(name + ": not a default snapshot name (etcd-<cluster>-<time>-r<rev>-<member>.db)");
    }
    try (SnapshotStore store = Stores.open(location, access)) {
      List<SetCopy.CopiedFile> files = store.download(name, dir);
      return new PullResult(store.location(), name, dir.toAbsolutePath().normalize().toString(), true, files);
    }
  }

  /** The newest snapshot of the store whose set is proven intact; see {@link LatestPicker}. */
  public LatestSnapshot latest(String location, Optional<String> withHostBundle) {
    try (SnapshotStore store = Stores.open(location, access)) {
      return LatestPicker.pick(store, withHostBundle);
    }
  }
}
