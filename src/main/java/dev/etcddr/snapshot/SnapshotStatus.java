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
      long size = Files.size(file);
      return new StatusReport(file.toString(), r.hash(), r.revision(), r.totalKey(), r.totalSize(), r.liveKeys(),
          r.storageVersion(), size % 512 == TrailerDigest.TRAILER, size, r.keyCounts(),
          r.unleasedKeyCounts());
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot be read: " + e.getMessage());
    }
  }
}
