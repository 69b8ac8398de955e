package dev.etcddr.drill;

import dev.etcddr.snapshot.EtcdVersions;
import dev.etcddr.snapshot.GoSemver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The oldest etcd minor a snapshot asks for, and what says so: the db's own versions (what etcd reads when it
 * starts on the restored data dir, see {@link EtcdVersions}) and the release of the member the sidecar says it came
 * from. The drill refuses a binary older than this: an older etcd refuses the data dir or panics on it, and a
 * drill that fails for that reason says nothing about the backup.
 *
 * @param version major.minor, e.g. {@code 3.6}
 * @param source {@code storage_version}, {@code cluster_version} or {@code sidecar}: a stable name (-o json)
 * @param evidence the value read and where, for messages: {@code meta/storageVersion 3.6.0}
 */
public record SnapshotEtcdVersion(String version, String source, String evidence) {
  public static final String STORAGE_VERSION = "storage_version";
  public static final String CLUSTER_VERSION = "cluster_version";
  public static final String SIDECAR = "sidecar";

  /**
   * The greatest major.minor of the three, or empty when none is recorded (a db without version keys and no
   * sidecar, or one whose etcd_version does not parse). On a tie the db's own value is named: etcd checks that one.
   */
  static Optional<SnapshotEtcdVersion> of(EtcdVersions db, Sidecar sidecar) {
    List<Candidate> candidates = new ArrayList<>();
    for (EtcdVersions.Recorded r : db.recorded()) {
      candidates.add(new Candidate(r.version(), r.key().equals("meta/storageVersion") ? STORAGE_VERSION
          : CLUSTER_VERSION, r.key() + " " + r.raw() + " in the db"));
    }
    if (sidecar != null && sidecar.etcdVersion() != null) {
      GoSemver.parse(sidecar.etcdVersion()).ifPresent(v -> candidates.add(new Candidate(v, SIDECAR,
          "etcd_version " + sidecar.etcdVersion() + " in " + sidecar.path().getFileName())));
    }
    Candidate best = null;
    for (Candidate c : candidates) {
      if (best == null || !best.version().atLeast(c.version().major(), c.version().minor())) {
        best = c;
      }
    }
    return Optional.ofNullable(best).map(c -> new SnapshotEtcdVersion(c.version().major() + "."
        + c.version().minor(), c.source(), c.evidence()));
  }

  long major() {
    return Long.parseLong(version.substring(0, version.indexOf('.')));
  }

  long minor() {
    return Long.parseLong(version.substring(version.indexOf('.') + 1));
  }

  private record Candidate(GoSemver version, String source, String evidence) {}
}
