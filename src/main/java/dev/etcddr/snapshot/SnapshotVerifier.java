package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code snapshot verify}: everything that can be known about a snapshot without starting etcd. The SHA-256 trailer,
 * the bbolt structure, and the etcd content (buckets, revision keys, consistent index, compaction, the versions
 * etcd 3.6 checks at start-up, and whether 3.6 reads bucket key). Never throws for
 * a bad file: a bad file is a report with failed checks. Only a missing or unreadable file is an error.
 */
public final class SnapshotVerifier {
  /** Buckets without which etcd cannot serve from the db. */
  static final Set<String> REQUIRED_BUCKETS = Set.of("key", "meta");

  public VerifyReport verify(Path file, boolean skipHashCheck) {
    SnapshotFiles.requireReadable(file);
    List<VerifyReport.Check> checks = new ArrayList<>();
    checks.add(skipHashCheck
        ? VerifyReport.Check.skipped("sha256_trailer", "--skip-hash-check: the trailer, if any, is not checked")
        : trailer(file));

    BoltFile db;
    try {
      db = BoltFile.open(file);
    } catch (IOException e) {
      checks.add(VerifyReport.Check.fail("bbolt_meta", e.getMessage()));
      for (String later : List.of("bbolt_structure", "etcd_buckets", "revision_keys", "consistent_index",
          "compaction", "etcd_versions", "etcdutl_36")) {
        checks.add(VerifyReport.Check.skipped(later, "not run: the file cannot be opened as a bbolt database"));
      }
      return report(file, checks);
    }
    try (db) {
      List<String> metaProblems = db.metaProblems();
      checks.add(metaProblems.isEmpty()
          ? VerifyReport.Check.pass("bbolt_meta", "both meta pages valid (page size " + db.meta().pageSize()
              + ", " + db.meta().highWaterPgid() + " pages, txid " + db.meta().txid() + ")")
          : VerifyReport.Check.fail("bbolt_meta", String.join("; ", metaProblems)));
      SnapshotScan.Result r = SnapshotScan.scan(db);
      checks.add(r.structure().problemCount() == 0
          ? VerifyReport.Check.pass("bbolt_structure", r.structure().pagesReached() + " pages reachable once each,"
              + " keys in order")
          : VerifyReport.Check.fail("bbolt_structure", r.structure().problemCount() + " problem(s): "
              + String.join("; ", r.structure().problems())));
      checks.addAll(etcdChecks(r));
    } catch (IOException e) {
      checks.add(VerifyReport.Check.fail("bbolt_structure", "reading failed: " + e.getMessage()));
    }
    return report(file, checks);
  }

  private static VerifyReport report(Path file, List<VerifyReport.Check> checks) {
    boolean ok = checks.stream().noneMatch(c -> c.result().equals("fail"));
    return new VerifyReport(file.toString(), ok, List.copyOf(checks));
  }

  private static List<VerifyReport.Check> etcdChecks(SnapshotScan.Result r) {
    List<VerifyReport.Check> checks = new ArrayList<>();
    List<String> missing = REQUIRED_BUCKETS.stream().filter(b -> !r.buckets().contains(b)).sorted().toList();
    if (!missing.isEmpty() || !r.nonBucketRootKeys().isEmpty()) {
      checks.add(VerifyReport.Check.fail("etcd_buckets", (missing.isEmpty() ? "" : "missing " + missing + "; ")
          + (r.nonBucketRootKeys().isEmpty() ? "" : "plain keys at the top level " + r.nonBucketRootKeys() + "; ")
          + "found " + r.buckets()));
    } else {
      checks.add(VerifyReport.Check.pass("etcd_buckets", "found " + r.buckets()));
    }
    if (r.malformedRevisionKeys() > 0) {
      checks.add(VerifyReport.Check.fail("revision_keys", r.malformedRevisionKeys() + " of " + r.revisionKeys()
          + " keys in bucket 'key' are not revisions (first: " + r.firstMalformedRevisionKey().orElse("?") + ")"));
    } else {
      checks.add(VerifyReport.Check.pass("revision_keys", r.revisionKeys() + " revisions, latest " + r.revision()));
    }
    if (r.consistentIndex().isPresent()) {
      checks.add(VerifyReport.Check.pass("consistent_index", "meta/consistent_index = " + r.consistentIndex().get()));
    } else if (r.revisionKeys() == 0) {
      // etcd 3.4 writes it with the first applied v3 request; a cluster that never had one has none.
      checks.add(VerifyReport.Check.pass("consistent_index", "absent, and no key was ever written (a fresh cluster)"));
    } else {
      checks.add(VerifyReport.Check.fail("consistent_index", "meta/consistent_index missing or not 8 bytes, but the"
          + " db holds " + r.revisionKeys() + " revisions"));
    }
    if (r.finishedCompactRevision().isEmpty()) {
      checks.add(VerifyReport.Check.pass("compaction", "never compacted"));
    } else if (r.finishedCompactRevision().get() <= r.revision()) {
      checks.add(VerifyReport.Check.pass("compaction", "compacted at " + r.finishedCompactRevision().get()
          + " <= revision " + r.revision()));
    } else {
      checks.add(VerifyReport.Check.fail("compaction", "compacted revision " + r.finishedCompactRevision().get()
          + " is past the latest revision " + r.revision()));
    }
    checks.add(versions(r.versions()));
    // etcdutl 3.6.14 status and etcd 3.6 read every value of bucket key as mvccpb.KeyValue and every key as a
    // revision strictly (v3_snapshot.go Status, mvcc/revision.go BytesToBucketKey); 3.5 does neither.
    checks.add(r.etcdutl36Refusal()
        .map(why -> VerifyReport.Check.fail("etcdutl_36", "etcd 3.6 cannot read bucket key: " + why))
        .orElseGet(() -> VerifyReport.Check.pass("etcdutl_36", "every revision key and value in bucket key reads"
            + " as etcd 3.6 reads them")));
    return checks;
  }

  /** etcd 3.6's start-up rules on the versions a db records; see {@link EtcdVersions}. */
  private static VerifyReport.Check versions(EtcdVersions v) {
    List<String> problems = v.problems();
    if (!problems.isEmpty()) {
      return VerifyReport.Check.fail("etcd_versions", String.join("; ", problems));
    }
    String recorded = "storage version " + v.storageVersion().filter(s -> !s.isEmpty()).orElse("none")
        + ", cluster version " + v.clusterVersion().orElse("none");
    return VerifyReport.Check.pass("etcd_versions", recorded + v.needsEtcd()
        .map(n -> ": needs etcd " + n + " or newer to start once restored")
        .orElse(": the cluster never agreed a version; any etcd 3.x starts from it"));
  }

  private static VerifyReport.Check trailer(Path file) {
    TrailerCheck.Result r = TrailerCheck.check(file);
    return r.ok() ? VerifyReport.Check.pass("sha256_trailer", r.detail())
        : VerifyReport.Check.fail("sha256_trailer", r.detail());
  }
}
