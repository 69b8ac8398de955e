package dev.etcddr.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.snapshot.EtcdVersions;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotEtcdVersionTest {
  private static final Path DB = Path.of("/backups/etcd-x.db");

  private static EtcdVersions db(String storage, String cluster) {
    return new EtcdVersions(Optional.ofNullable(storage), Optional.ofNullable(cluster));
  }

  private static Sidecar sidecar(String etcdVersion) {
    return new Sidecar(Path.of("/backups/etcd-x.db.json"), null, null, null, null, null, etcdVersion, null);
  }

  private static EtcdBinary etcd(String version) {
    return new EtcdBinary(Path.of("/opt/etcd/etcd"), version, "--etcd");
  }

  @Test
  void the_greatest_minor_wins_and_a_tie_names_the_db() {
    assertEquals(new SnapshotEtcdVersion("3.6", "storage_version", "meta/storageVersion 3.6.0 in the db"),
        SnapshotEtcdVersion.of(db("3.6.0", "3.6.0"), sidecar("3.6.14")).orElseThrow());
    assertEquals("cluster_version", SnapshotEtcdVersion.of(db(null, "3.5.0"), sidecar("3.5.16")).orElseThrow()
        .source());
    assertEquals(new SnapshotEtcdVersion("3.6", "sidecar", "etcd_version 3.6.14 in etcd-x.db.json"),
        SnapshotEtcdVersion.of(db(null, "3.5.0"), sidecar("3.6.14")).orElseThrow());
    // a 3.6 member whose cluster has moved on to 3.7 leaves a db etcd 3.6 panics on
    assertEquals("3.7", SnapshotEtcdVersion.of(db("3.6.0", "3.7.0"), null).orElseThrow().version());
  }

  @Test
  void nothing_recorded_or_nothing_that_parses_asks_for_nothing() {
    assertEquals(Optional.empty(), SnapshotEtcdVersion.of(EtcdVersions.NONE, null));
    assertEquals(Optional.empty(), SnapshotEtcdVersion.of(EtcdVersions.NONE, sidecar(null)));
    // "" is what 3.6 writes for a moment during a migration; "3.6" is not X.Y.Z to go-semver
    assertEquals(Optional.empty(), SnapshotEtcdVersion.of(db("", "3.6"), sidecar("unknown")));
    assertEquals("3.4", SnapshotEtcdVersion.of(EtcdVersions.NONE, sidecar("3.4.23")).orElseThrow().version());
  }

  @Test
  void an_etcd_older_than_the_snapshot_is_refused_and_a_newer_one_is_not() {
    SnapshotEtcdVersion needs36 = SnapshotEtcdVersion.of(db("3.6.0", "3.6.0"), null).orElseThrow();
    etcd("3.6.14").requireAtLeast(needs36, DB);
    etcd("3.7.0").requireAtLeast(needs36, DB);
    etcd("4.0.0").requireAtLeast(needs36, DB);
    etcd("3.6.0-rc.1").requireAtLeast(needs36, DB);
    EtcdBinaryException e = assertThrows(EtcdBinaryException.class, () -> etcd("3.5.16").requireAtLeast(needs36,
        DB));
    assertEquals("etcd 3.5.16 at /opt/etcd/etcd (from --etcd) is older than the snapshot: /backups/etcd-x.db needs"
        + " etcd 3.6 or newer (meta/storageVersion 3.6.0 in the db); nothing was restored or started. Pass --etcd"
        + " PATH to an etcd >= 3.6 (or set ETCD_DR_ETCD when --etcd is not given)", e.getMessage());
    EtcdBinaryException odd = assertThrows(EtcdBinaryException.class, () -> etcd("main").requireAtLeast(needs36,
        DB));
    assertTrue(odd.getMessage().contains("etcd main at /opt/etcd/etcd (from --etcd) has a version that does not"
        + " parse"), odd.getMessage());
  }
}
