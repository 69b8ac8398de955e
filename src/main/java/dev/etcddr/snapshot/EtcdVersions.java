package dev.etcddr.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The two versions an etcd backend db records about the cluster that wrote it, and the oldest etcd that can start
 * from it once restored. A restore keeps both ({@code etcdutl/snapshot/v3_snapshot.go} in 3.6.14 rewrites only
 * membership and meta/consistent_index, term and, with a bump, scheduledCompactRev).
 *
 * <ul>
 *   <li>{@code meta/storageVersion}: written only by etcd 3.6 and newer, as Major.Minor.0
 *       ({@code server/storage/schema/version.go UnsafeSetStorageVersion}). At start-up 3.6.14 refuses a db whose
 *       storage version its migration plan does not know ({@code schema.go Validate}, {@code migration.go newPlan}):
 *       3.7.0 on 3.6, and any other major.
 *   <li>{@code cluster/clusterVersion}: the version the members agreed (3.4.23 and 3.5.16 write it too). 3.6.14
 *       reads it with {@code semver.Must} ({@code schema/membership.go ClusterVersionFromBackend}), so a value that
 *       does not parse panics the server, and panics it again when newer than the binary
 *       ({@code version/downgrade.go MustDetectDowngrade}).
 * </ul>
 *
 * @param storageVersion the raw value of meta/storageVersion, empty when the key is absent
 * @param clusterVersion the raw value of cluster/clusterVersion, empty when the key is absent
 */
public record EtcdVersions(Optional<String> storageVersion, Optional<String> clusterVersion) {
  public static final EtcdVersions NONE = new EtcdVersions(Optional.empty(), Optional.empty());

  /**
   * Major.minor of the oldest etcd that starts from this db, or empty when the db does not say (a cluster that never
   * agreed a version; 3.4 and 3.5 record theirs as 3.4.0, 3.5.0). The greater of the two versions: an etcd older
   * than either refuses the data dir, or panics on it.
   */
  public Optional<String> needsEtcd() {
    GoSemver max = null;
    for (Recorded r : recorded()) {
      if (max == null || !max.atLeast(r.version().major(), r.version().minor())) {
        max = r.version();
      }
    }
    return Optional.ofNullable(max).map(v -> v.major() + "." + v.minor());
  }

  /** A version the db records that parses, with the key it is under ({@code meta/storageVersion} …) as written. */
  public record Recorded(GoSemver version, String key, String raw) {}

  /** The parseable versions, storage version first. */
  public List<Recorded> recorded() {
    List<Recorded> out = new ArrayList<>();
    storageVersion.ifPresent(v -> GoSemver.parse(v).ifPresent(p -> out.add(new Recorded(p, "meta/storageVersion", v))));
    clusterVersion.ifPresent(v -> GoSemver.parse(v).ifPresent(p -> out.add(new Recorded(p, "cluster/clusterVersion",
        v))));
    return out;
  }

  /** Why an etcd of the db's own versions would not start from it; empty when nothing is wrong. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    clusterVersion.filter(v -> GoSemver.parse(v).isEmpty()).ifPresent(v -> out.add("cluster/clusterVersion "
        + quoted(v) + " is not a version: etcd 3.6 panics reading it (ClusterVersionFromBackend)"));
    // "" is written for a moment during a migration (schema/version.go emptyStorageVersion) and read as absent.
    storageVersion.filter(v -> !v.isEmpty() && GoSemver.parse(v).isEmpty()).ifPresent(v -> out.add(
        "meta/storageVersion " + quoted(v) + " is not a version: etcdutl 3.6 shows none and etcd 3.6 falls back to"
            + " guessing from meta/term"));
    storageVersion.flatMap(GoSemver::parse).filter(v -> v.major() != 3).ifPresent(v -> out.add(
        "meta/storageVersion " + v + ": no etcd 3.x starts from another major storage version"));
    return out;
  }

  private static String quoted(String v) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : v.toCharArray()) {
      sb.append(ch >= 0x20 && ch < 0x7f && ch != '"' ? String.valueOf(ch) : String.format("\\u%04x", (int) ch));
      if (sb.length() > 40) {
        return sb.append("…\"").toString();
      }
    }
    return sb.append('"').toString();
  }
}
