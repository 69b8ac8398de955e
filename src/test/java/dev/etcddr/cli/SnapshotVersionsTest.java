package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.EtcdDb;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The versions a db records and etcd 3.6.14's start-up rules on them, through {@code snapshot status -o json}
 * (needs_etcd) and {@code snapshot verify} (etcd_versions). Rules from v3.6.14: {@code schema/membership.go
 * ClusterVersionFromBackend} (semver.Must on cluster/clusterVersion), {@code schema/version.go
 * UnsafeReadStorageVersion} (a storage version that does not parse is none), {@code schema/migration.go newPlan}
 * (another major is refused).
 */
class SnapshotVersionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private int files;

  private JsonNode status(EtcdDb db) throws IOException {
    Path f = db.write(dir.resolve("s" + files++ + ".db"));
    CliRun r = CliRun.of("snapshot", "status", f.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    return JSON.readTree(r.out());
  }

  private JsonNode verify(EtcdDb db) throws IOException {
    Path f = db.write(dir.resolve("v" + files++ + ".db"));
    CliRun r = CliRun.of("snapshot", "verify", f.toString(), "-o", "json");
    for (JsonNode c : JSON.readTree(r.out()).get("checks")) {
      if (c.get("name").asText().equals("etcd_versions")) {
        assertEquals(c.get("result").asText().equals("pass") ? 0 : 6, r.exitCode(), r.toString());
        return c;
      }
    }
    throw new AssertionError("no etcd_versions check: " + r);
  }

  @Test
  void a_36_db_needs_36() throws IOException {
    JsonNode s = status(EtcdDb.etcd36().put(2, "a", "1"));
    assertEquals("3.6.0", s.get("storage_version").asText());
    assertEquals("3.6.0", s.get("cluster_version").asText());
    assertEquals("3.6", s.get("needs_etcd").asText());
  }

  @Test
  void a_35_db_needs_35_from_its_cluster_version() throws IOException {
    JsonNode s = status(EtcdDb.etcd35().put(2, "a", "1"));
    assertEquals("", s.get("storage_version").asText());
    assertEquals("3.5", s.get("needs_etcd").asText());
  }

  @Test
  void a_db_recording_no_version_needs_none() throws IOException {
    // A cluster whose members never agreed a version (they do within seconds of start-up) records none.
    JsonNode s = status(EtcdDb.etcd35().without("cluster", "clusterVersion").put(2, "a", "1"));
    assertTrue(s.get("needs_etcd").isNull(), s.toString());
    assertEquals("", s.get("cluster_version").asText());
    assertTrue(verify(EtcdDb.etcd35().without("cluster", "clusterVersion")).get("detail").asText()
        .contains("any etcd 3.x"));
  }

  @Test
  void the_greater_of_the_two_versions_wins() throws IOException {
    // A 3.7 cluster: its storage version is 3.7.0, which etcd 3.6.14's migration plan refuses.
    assertEquals("3.7", status(EtcdDb.etcd36().meta("storageVersion", "3.7.0")).get("needs_etcd").asText());
    // A storage version behind the cluster version (a 3.6 cluster mid-upgrade to 3.7): the cluster version decides.
    assertEquals("3.7", status(EtcdDb.etcd36().raw("cluster", EtcdDb.bytes("clusterVersion"),
        EtcdDb.bytes("3.7.0"))).get("needs_etcd").asText());
    JsonNode pass = verify(EtcdDb.etcd36().meta("storageVersion", "3.7.0"));
    assertEquals("pass", pass.get("result").asText());
    assertTrue(pass.get("detail").asText().contains("needs etcd 3.7 or newer"), pass.toString());
  }

  @Test
  void a_cluster_version_that_is_not_a_version_fails_verify() throws IOException {
    JsonNode c = verify(EtcdDb.etcd36().raw("cluster", EtcdDb.bytes("clusterVersion"), EtcdDb.bytes("3.6")));
    assertEquals("fail", c.get("result").asText());
    assertTrue(c.get("detail").asText().contains("cluster/clusterVersion \"3.6\" is not a version"), c.toString());
  }

  @Test
  void a_storage_version_that_is_not_a_version_or_of_another_major_fails_verify() throws IOException {
    JsonNode bad = verify(EtcdDb.etcd36().meta("storageVersion", "v3.6.0"));
    assertEquals("fail", bad.get("result").asText());
    assertTrue(bad.get("detail").asText().contains("meta/storageVersion \"v3.6.0\" is not a version"), bad.toString());
    JsonNode major = verify(EtcdDb.etcd36().meta("storageVersion", "4.0.0"));
    assertEquals("fail", major.get("result").asText());
    assertTrue(major.get("detail").asText().contains("another major"), major.toString());
    // "" is what a migration leaves for a moment; etcd reads it as no storage version.
    assertEquals("pass", verify(EtcdDb.etcd36().meta("storageVersion", "")).get("result").asText());
  }
}
