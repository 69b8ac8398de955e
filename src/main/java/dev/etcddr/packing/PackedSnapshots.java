package dev.etcddr.packing;

import dev.etcddr.crypt.AgeKeyException;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import dev.etcddr.snapshot.SnapshotStatus;
import dev.etcddr.snapshot.SnapshotVerifier;
import dev.etcddr.snapshot.StatusLayout;
import dev.etcddr.snapshot.StatusReport;
import dev.etcddr.snapshot.VerifyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code snapshot status} and {@code verify} on a file packed or not: a packed one is unpacked into a private
 * directory under {@code workDir} (see {@link Unpacked}), read there, and removed. Reports name the file given.
 */
public final class PackedSnapshots {
  public StatusReport status(Path file, Optional<Path> ageIdentity, Path workDir, Optional<String> countKeysPrefix,
      Optional<StatusLayout> layout, boolean refuseAsEtcdutl) {
    try (Unpacked raw = Unpacked.open(file, ageIdentity, workDir)) {
      return named(file, new SnapshotStatus().status(raw.path(), countKeysPrefix, layout, refuseAsEtcdutl));
    }
  }

  private static StatusReport named(Path file, StatusReport r) {
    return new StatusReport(file.toString(), r.hash(), r.revision(), r.totalKey(), r.totalSize(), r.liveKeys(),
        r.storageVersion(), r.versions(), r.hasTrailer(), r.fileSize(), r.keyCounts(), r.unleasedKeyCounts(),
        r.layout());
  }

  /**
   * A packed file gets a first check, {@code unpack}; a damaged one fails it and is the whole report (nothing else
   * can be read), as a bad file is a report, not an error. A key that does not open it is an error ({@link AgeKeyException}).
   */
  public VerifyReport verify(Path file, boolean skipHashCheck, Optional<Path> ageIdentity, Path workDir) {
    return verify(file, skipHashCheck, ageIdentity, workDir, Optional.empty()).report();
  }

  /** A verification, and the status of a file that passed it (counting keys under the prefix) from the same read. */
  public record Verified(VerifyReport report, Optional<StatusReport> status) {}

  /**
   * {@link #verify} and, when every check passed and {@code countKeysPrefix} is given, {@link #status} of the same
   * unpacked copy: what a restore's preflight asks of its snapshot, in one start of the jar.
   */
  public Verified verify(Path file, boolean skipHashCheck, Optional<Path> ageIdentity, Path workDir,
      Optional<String> countKeysPrefix) {
    Unpacked raw;
    try {
      raw = Unpacked.open(file, ageIdentity, workDir);
    } catch (SnapshotIntegrityException e) {
      return new Verified(new VerifyReport(file.toString(), false, List.of(new VerifyReport.Check("unpack", "fail",
          e.getMessage()))), Optional.empty());
    }
    try (raw) {
      VerifyReport r = new SnapshotVerifier().verify(raw.path(), skipHashCheck);
      if (raw.packed()) {
        List<VerifyReport.Check> checks = new ArrayList<>();
        checks.add(new VerifyReport.Check("unpack", "pass", raw.summary().orElseThrow()));
        checks.addAll(r.checks());
        r = new VerifyReport(file.toString(), r.ok(), List.copyOf(checks));
      }
      if (!r.ok() || countKeysPrefix.isEmpty()) {
        return new Verified(r, Optional.empty());
      }
      return new Verified(r, Optional.of(named(file, new SnapshotStatus().status(raw.path(), countKeysPrefix,
          Optional.empty(), false))));
    }
  }
}
