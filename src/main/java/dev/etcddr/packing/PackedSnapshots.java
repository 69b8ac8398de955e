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
      StatusReport r = new SnapshotStatus().status(raw.path(), countKeysPrefix, layout, refuseAsEtcdutl);
      return new StatusReport(file.toString(), r.hash(), r.revision(), r.totalKey(), r.totalSize(), r.liveKeys(),
          r.storageVersion(), r.versions(), r.hasTrailer(), r.fileSize(), r.keyCounts(), r.unleasedKeyCounts(),
          r.layout());
    }
  }

  /**
   * A packed file gets a first check, {@code unpack}; a damaged one fails it and is the whole report (nothing else
   * can be read), as a bad file is a report, not an error. A key that does not open it is an error ({@link AgeKeyException}).
   */
  public VerifyReport verify(Path file, boolean skipHashCheck, Optional<Path> ageIdentity, Path workDir) {
    Unpacked raw;
    try {
      raw = Unpacked.open(file, ageIdentity, workDir);
    } catch (SnapshotIntegrityException e) {
      return new VerifyReport(file.toString(), false, List.of(new VerifyReport.Check("unpack", "fail",
          e.getMessage())));
    }
    try (raw) {
      VerifyReport r = new SnapshotVerifier().verify(raw.path(), skipHashCheck);
      if (!raw.packed()) {
        return r;
      }
      List<VerifyReport.Check> checks = new ArrayList<>();
      checks.add(new VerifyReport.Check("unpack", "pass", raw.summary().orElseThrow()));
      checks.addAll(r.checks());
      return new VerifyReport(file.toString(), r.ok(), List.copyOf(checks));
    }
  }
}
