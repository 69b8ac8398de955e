package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot of a real cluster, restored by the jar on three new members (each from its own kubeadm-shaped
 * manifest), started under etcd 3.4.23 and under 3.5.16: one healthy cluster with exactly the given members, every
 * key and value of the snapshot, equal hashkv everywhere, writes accepted; with a bump, revisions go up and old
 * ones read as compacted.
 */
class RestoreStartsIT {
  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  /** A source cluster with keys, a lease, deletes and a compaction; saved with the jar. */
  private Path sourceSnapshot(EtcdVersion version, Map<String, String> kvs, long[] revision) throws Exception {
    try (EtcdCluster src = EtcdCluster.start(version, work.resolve("src-" + version.version), 1)) {
      EtcdCluster.Member m = src.member(0);
      for (int i = 0; i < 60; i++) {
        src.etcdctl(m, "put", "/registry/configmaps/default/cm-" + i, "{\"n\":" + i + "}").requireSuccess();
      }
      for (int i = 0; i < 10; i++) {
        src.etcdctl(m, "del", "/registry/configmaps/default/cm-" + i).requireSuccess();
      }
      src.etcdctl(m, "compaction", String.valueOf(src.revision(m) - 3)).requireSuccess();
      String lease = src.etcdctl(m, "lease", "grant", "900").requireSuccess().stdout().split("\\s+")[1];
      src.etcdctl(m, "put", "--lease=" + lease, "/registry/leases/kube-node-lease/cp1", "renew").requireSuccess();
      kvs.putAll(allKeys(src, m));
      revision[0] = src.revision(m);
      Path file = work.resolve("source-" + version.version + ".db");
      CliRun r = CliRun.of("snapshot", "save", file.toString(), "--manifest", m.manifest().toString());
      assertEquals(0, r.exitCode(), r.toString());
      return file;
    }
  }

  private Map<String, String> allKeys(EtcdCluster c, EtcdCluster.Member m) throws Exception {
    JsonNode out = json.readTree(c.etcdctl(m, "get", "", "--prefix", "-w", "json").requireSuccess().stdout());
    Map<String, String> kv = new TreeMap<>();
    if (out.has("kvs")) {
      for (JsonNode n : out.get("kvs")) {
        kv.put(n.get("key").asText(), n.has("value") ? n.get("value").asText() : "");
      }
    }
    kv.keySet().removeIf(k -> new String(java.util.Base64.getDecoder().decode(k)).startsWith("/probe/"));
    return kv;
  }

  private void restoreAll(EtcdCluster target, Path snapshot, String token, String... extra) {
    for (EtcdCluster.Member m : target.members()) {
      String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("snapshot", "restore",
          snapshot.toString(), "--manifest", m.manifest().toString(), "--initial-cluster-token", token, "-o", "json"),
          java.util.stream.Stream.of(extra)).toArray(String[]::new);
      CliRun r = CliRun.of(args);
      assertEquals(0, r.exitCode(), r.toString());
    }
  }

  private void checkCluster(EtcdCluster c, Map<String, String> kvs) throws Exception {
    Set<String> clusterIds = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (EtcdCluster.Member m : c.members()) {
      JsonNode st = json.readTree(c.etcdctl(m, "endpoint", "status", "-w", "json").requireSuccess().stdout());
      clusterIds.add(st.get(0).get("Status").get("header").get("cluster_id").asText());
      JsonNode hk = json.readTree(c.etcdctl(m, "endpoint", "hashkv", "-w", "json").requireSuccess().stdout());
      hashes.add(hk.get(0).get("HashKV").get("hash").asText());
      assertEquals(kvs, allKeys(c, m), "every key and value of the snapshot on " + m.name());
    }
    assertEquals(1, clusterIds.size(), "one cluster ID");
    assertEquals(1, hashes.size(), "hashkv equal on all members: " + hashes);
    JsonNode list = json.readTree(c.etcdctl(c.member(0), "member", "list", "-w", "json").requireSuccess().stdout());
    Set<String> names = new HashSet<>();
    list.get("members").forEach(n -> names.add(n.get("name").asText()));
    assertEquals(Set.of("m1", "m2", "m3"), names, "member list exactly as given");
    c.etcdctl(c.member(2), "put", "/probe/after-restore", "ok").requireSuccess();
    assertEquals("ok", c.etcdctl(c.member(0), "get", "/probe/after-restore", "--print-value-only").requireSuccess()
        .stdout().trim());
  }

  @Test
  void three_members_restored_from_a_35_snapshot_start_under_34_and_35() throws Exception {
    Map<String, String> kvs = new TreeMap<>();
    long[] rev = new long[1];
    Path snapshot = sourceSnapshot(EtcdVersion.V3_5, kvs, rev);
    for (EtcdVersion v : List.of(EtcdVersion.V3_4, EtcdVersion.V3_5)) {
      try (EtcdCluster target = EtcdCluster.prepare(v, work.resolve("restored-" + v.version), 3)) {
        restoreAll(target, snapshot, "restore-" + v.version);
        target.startAll();
        checkCluster(target, kvs);
      }
    }
  }

  @Test
  void a_34_snapshot_restored_starts_under_34() throws Exception {
    Map<String, String> kvs = new TreeMap<>();
    long[] rev = new long[1];
    Path snapshot = sourceSnapshot(EtcdVersion.V3_4, kvs, rev);
    try (EtcdCluster target = EtcdCluster.prepare(EtcdVersion.V3_4, work.resolve("restored34"), 3)) {
      restoreAll(target, snapshot, "restore-34");
      target.startAll();
      checkCluster(target, kvs);
    }
  }

  @Test
  void with_a_bump_revisions_go_up_and_old_ones_are_compacted() throws Exception {
    Map<String, String> kvs = new TreeMap<>();
    long[] rev = new long[1];
    Path snapshot = sourceSnapshot(EtcdVersion.V3_5, kvs, rev);
    try (EtcdCluster target = EtcdCluster.prepare(EtcdVersion.V3_5, work.resolve("bumped"), 3)) {
      restoreAll(target, snapshot, "restore-bump", "--bump-revision", "1000000", "--mark-compacted");
      target.startAll();
      checkCluster(target, kvs);
      EtcdCluster.Member m = target.member(1);
      JsonNode put = json.readTree(target.etcdctl(m, "put", "/probe/bumped", "x", "-w", "json").requireSuccess()
          .stdout());
      assertTrue(put.get("header").get("revision").asLong() >= rev[0] + 1_000_000,
          "first write after restore at " + put.get("header").get("revision") + ", snapshot at " + rev[0]);
      Proc.Result old = target.etcdctl(m, "get", "/registry/configmaps/default/cm-20", "--rev",
          String.valueOf(rev[0] - 1));
      assertNotEquals(0, old.exitCode());
      assertTrue(old.stderr().contains("required revision has been compacted"), old.stderr());
      Proc.Result watch = Proc.run(List.of("timeout", "10", EtcdVersion.V3_5.bin("etcdctl").toString(),
          "--endpoints=" + m.clientUrl(), "--cacert=" + target.pki().pkiDir(m.name()).resolve("etcd/ca.crt"),
          "--cert=" + target.pki().pkiDir(m.name()).resolve("etcd/healthcheck-client.crt"),
          "--key=" + target.pki().pkiDir(m.name()).resolve("etcd/healthcheck-client.key"),
          "watch", "--rev", String.valueOf(rev[0] - 1), "/registry/configmaps/default/cm-20"),
          Map.of("ETCDCTL_API", "3"), null, 30);
      assertTrue((watch.stdout() + watch.stderr()).contains("compacted"), "watch from an old revision refused as"
          + " compacted: " + watch.stdout() + watch.stderr());
    }
  }
}
