package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Mounts;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real etcd 3.5 member restored in place: its manifest's data dir unchanged, etcd started on the same path runs
 * the snapshot's keys, the kept original holds the later ones, and a rollback brings them back. Then the same on a
 * data dir that is a mount point of its own, with nothing copied across filesystems. Loopback 127.0.24.x, ports
 * 24100-24199; only the etcd processes started here are stopped.
 */
class InPlaceRestoreIT {
  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  private static String value(EtcdCluster c, String key) {
    return c.etcdctl(c.member(0), "get", key, "--print-value-only").requireSuccess().stdout().trim();
  }

  /** Keys before/1..3 in the snapshot; after/1 written once it was taken; etcd stopped. */
  private Path snapshotThenMoreKeys(EtcdCluster c) {
    EtcdCluster.Member m = c.member(0);
    for (int i = 1; i <= 3; i++) {
      c.etcdctl(m, "put", "/before/" + i, "v" + i).requireSuccess();
    }
    Path snapshot = work.resolve("snapshot.db");
    c.etcdctl(m, "snapshot", "save", snapshot.toString()).requireSuccess();
    c.etcdctl(m, "put", "/after/1", "later").requireSuccess();
    c.stopMember(m);
    return snapshot;
  }

  private JsonNode cli(String... args) throws Exception {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.exitCode(), r.toString());
    return json.readTree(r.out());
  }

  private JsonNode restoreInPlace(EtcdCluster c, Path snapshot) throws Exception {
    String manifest = c.member(0).manifest().toString();
    String before = Files.readString(c.member(0).manifest());
    JsonNode dry = cli("snapshot", "restore", snapshot.toString(), "--manifest", manifest, "--in-place",
        "--restore-id", "gd1", "--initial-cluster-token", "restore-gd1", "--dry-run", "-o", "json");
    assertEquals("would_restore", dry.get("status").asText());
    JsonNode r = cli("snapshot", "restore", snapshot.toString(), "--manifest", manifest, "--in-place",
        "--restore-id", "gd1", "--initial-cluster-token", "restore-gd1", "-o", "json");
    assertEquals("restored", r.get("status").asText());
    assertEquals(c.member(0).dataDir().toString(), r.get("data_dir").asText());
    assertEquals(before, Files.readString(c.member(0).manifest()), "the manifest is not touched");
    return r;
  }

  private void rollback(EtcdCluster c) throws Exception {
    JsonNode r = cli("datadir", "rollback", "--manifest", c.member(0).manifest().toString(), "--restore-id", "gd1",
        "-o", "json");
    assertEquals("rolled_back", r.get("status").asText());
  }

  @Test
  void restores_a_35_member_in_place_and_rolls_back() throws Exception {
    try (EtcdCluster c = EtcdCluster.prepare(EtcdVersion.V3_5, work.resolve("c"), 1, "127.0.24", 24100)) {
      c.startAll();
      Path snapshot = snapshotThenMoreKeys(c);
      EtcdCluster.Member m = c.member(0);
      JsonNode r = restoreInPlace(c, snapshot);
      Path kept = Path.of(r.get("kept").asText());
      assertEquals(m.dataDir().resolve("etcd-dr-gd1/original/member"), kept);

      c.startAll();
      assertEquals("v3", value(c, "/before/3"));
      assertEquals("", value(c, "/after/1"), "the restored member has the snapshot's keys only");
      String log = Files.readString(m.home().resolve("etcd.log"));
      assertTrue(log.contains("found invalid file under data directory") && log.contains("etcd-dr-gd1"),
          "etcd 3.5 only warns of the work dir next to member/");
      c.stopMember(m);

      Proc.Result status = Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot", "status",
          kept.resolve("snap/db").toString(), "-w", "json"));
      long keptRevision = json.readTree(status.requireSuccess().stdout()).get("revision").asLong();
      assertTrue(keptRevision > r.get("revision_before").asLong(), "the kept original is newer than the snapshot");

      rollback(c);
      c.startAll();
      assertEquals("later", value(c, "/after/1"), "rolled back: the later key is back");
      assertEquals("v1", value(c, "/before/1"));
    }
  }

  @Test
  void restores_in_place_on_a_data_dir_that_is_a_mount_point() throws Exception {
    assumeTrue(Mounts.root(), "needs root to mount a tmpfs");
    try (EtcdCluster c = EtcdCluster.prepare(EtcdVersion.V3_5, work.resolve("c"), 1, "127.0.24", 24110);
        Mounts d = Mounts.tmpfs(c.member(0).dataDir(), "size=400m,mode=0700")) {
      try {
        c.startAll();
        Path snapshot = snapshotThenMoreKeys(c);
        Path dataDir = d.path();
        Object device = Files.getAttribute(dataDir, "unix:dev");
        assertNotEquals(Files.getAttribute(dataDir.getParent(), "unix:dev"), device, "D is a mount point");
        Object memberInode = Files.getAttribute(dataDir.resolve("member"), "unix:ino");

        JsonNode r = restoreInPlace(c, snapshot);
        Path kept = Path.of(r.get("kept").asText());
        assertEquals(memberInode, Files.getAttribute(kept, "unix:ino"), "the original was renamed, not copied");
        for (Path p : List.of(dataDir.resolve("member"), dataDir.resolve("member/snap/db"), kept,
            kept.resolve("snap/db"))) {
          assertEquals(device, Files.getAttribute(p, "unix:dev"), p + " stays on D's filesystem");
        }
        c.startAll();
        assertEquals("v2", value(c, "/before/2"));
        assertEquals("", value(c, "/after/1"));
        c.stopMember(c.member(0));

        rollback(c);
        assertEquals(memberInode, Files.getAttribute(dataDir.resolve("member"), "unix:ino"));
        c.startAll();
        assertEquals("later", value(c, "/after/1"));
      } finally {
        c.close(); // etcd must be gone before the tmpfs is unmounted
      }
    }
  }
}
