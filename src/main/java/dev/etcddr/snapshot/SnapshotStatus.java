package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code snapshot status} without etcdutl: the same hash, revision, key count and size, computed by reading the
 * bbolt pages. Works on a saved snapshot (the trailer lies past the db and is ignored) and on a raw
 * {@code member/snap/db}. Like etcdutl, refuses a file whose page structure does not check out.
 */
public final class SnapshotStatus {
  public StatusReport status(Path file) {
    return status(file, Optional.empty());
  }

  /** @param countKeysPrefix when present, live keys under it are also counted per {@link KeyGroups} group */
  public StatusReport status(Path file, Optional<String> countKeysPrefix) {
    return status(file, countKeysPrefix, Optional.empty(), false);
  }

  /**
   * @param layout the layout asked for; empty: the one the db's storage version calls for ({@link StatusLayout#of})
   * @param refuseAsEtcdutl whether the caller prints etcdutl's own output, which a db etcdutl refuses cannot have:
   *     in the 3.6 layout, a revision key 3.6 cannot parse, a value it cannot decode, or no meta bucket (where
   *     etcdutl 3.6.14 panics on the missing bucket, this says why instead)
   */
  public StatusReport status(Path file, Optional<String> countKeysPrefix, Optional<StatusLayout> layout,
      boolean refuseAsEtcdutl) {
    try (BoltFile db = SnapshotFiles.open(file)) {
      SnapshotScan.Result r = SnapshotScan.scan(db, countKeysPrefix.map(KeyGroups::new));
      if (r.structure().problemCount() > 0) {
        throw new SnapshotIntegrityException(file + ": integrity check failed, " + r.structure().problemCount()
            + " problem(s): " + String.join("; ", r.structure().problems().subList(0,
                Math.min(5, r.structure().problems().size()))));
      }
      if (!r.nonBucketRootKeys().isEmpty()) {
        throw new SnapshotIntegrityException(file + ": cannot get hash of bucket " + r.nonBucketRootKeys().get(0)
            + " (a plain key where etcd keeps only buckets)");
      }
      StatusLayout chosen = StatusLayout.of(layout, r.storageVersion());
      if (refuseAsEtcdutl && chosen == StatusLayout.ETCDUTL_36) {
        refuseAs36(file, r);
      }
      long size = Files.size(file);
      return new StatusReport(file.toString(), r.hash(), r.revision(), r.totalKey(), r.totalSize(), r.liveKeys(),
          r.storageVersion(), r.versions(), size % 512 == TrailerDigest.TRAILER, size, r.keyCounts(),
          r.unleasedKeyCounts(), chosen);
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot be read: " + e.getMessage());
    }
  }

  /** In the order etcdutl 3.6 meets them: the meta bucket is read before the bucket walk. */
  private static void refuseAs36(Path file, SnapshotScan.Result r) {
    if (!r.buckets().contains("meta")) {
      throw new SnapshotIntegrityException(file + ": no meta bucket, so no storage version for the 3.6 layout"
          + " (etcdutl 3.6 panics on such a db); this is not an etcd backend, or use --as 3.5");
    }
    r.etcdutl36Refusal().ifPresent(why -> {
      throw new SnapshotIntegrityException(file + ": etcdutl 3.6 refuses this db: " + why
          + "; `snapshot verify` checks it, --as 3.5 prints the 3.5 numbers");
    });
  }
}
