package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quorum lost on one lab per etcd version (3.4.23, 3.5.16; real sshd, kubelet stand-ins, ansible-playbook): two of
 * three members' data is gone, and `restore.yml -e etcd_dr_source_datadir=cp1` restores every member from the
 * survivor's own data dir, which holds writes the newest backup does not. Then a survivor older than the newest
 * snapshot is refused: its export's revision is compared (a survivor restarted without quorum answers no client), the
 * rest left alone. Members, keys and revisions are read with etcdctl, member by member.
 */
class QuorumLostRestoreIT {
  private static final List<String> HOSTS = List.of("cp1", "cp2", "cp3");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  private Lab lab;
  private LabEtcd etcd;
  private LabPlays plays;

  /** The lab's net: its hosts are NET.1, NET.2, NET.3. */
  private String net;

  @ParameterizedTest(name = "etcd {0}")
  @CsvSource({"3.5, 127.0.22", "3.4, 127.0.26"})
  void restores_every_member_from_the_survivors_data_dir_and_refuses_an_older_survivor(String version, String net)
      throws Exception {
    this.net = net;
    lab = new Lab(work.resolve("lab"), net);
    try (Lab l = lab) {
      assertEquals(0, lab.up("--etcd", version).exitCode());
      etcd = new LabEtcd(lab, 3);
      plays = new LabPlays(lab, work.resolve("backups"));
      lab.run("seed", "--count", "100").requireSuccess();
      Proc.Result backup = plays.play("playbooks/backup.yml", LabPlays.OWN_JAR.toArray(String[]::new));
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      long snapshotRevision = JSON.readTree(Path.of(plays.newestSnapshot() + ".json").toFile()).path("revision")
          .asLong();

      // writes after the backup: only the survivor's data dir will have them
      for (int i = 0; i < 50; i++) {
        etcd.etcdctl("put", "/registry/after-backup/k" + i, "v" + i).requireSuccess();
      }
      String oldCluster = clusterIdAt(1);

      // cp2 and cp3 lose their data: member dirs emptied, etcd killed. Each is left with member/snap/db a directory,
      // so its etcd panics at start instead of bootstrapping on an empty dir (the manifests say
      // --initial-cluster-state=new: two fresh members would form a cluster of their own beside the survivor).
      for (String h : List.of("cp2", "cp3")) {
        Path member = hostPath(h, "var-lib/etcd/member");
        deleteTree(member);
        Files.createDirectories(member.resolve("snap/db"));
        lab.ssh(h, "kill -9 " + pids("etcd").get(h)).requireSuccess();
      }
      String cp1 = "https://" + net + ".1:2379";
      awaitNoLeader(cp1);
      Map<String, String> beforeLoss = LabPlays.withoutStandIns(keysAt(cp1));
      assertEquals(50, beforeLoss.keySet().stream().filter(k -> k.startsWith("/registry/after-backup/")).count());
      long survivorRevision = revisionAt(cp1);
      assertTrue(survivorRevision > snapshotRevision, survivorRevision + " > " + snapshotRevision);

      // --check: the plan names both candidates with their revisions, says the survivor is fresher, changes nothing
      Map<String, String> manifests = plays.sha256(HOSTS, "/etc/kubernetes/manifests/*");
      long cp1Etcd = pids("etcd").get("cp1");
      Proc.Result check = restore("cp1", "--check");
      assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
      assertTrue(check.stdout().contains("source: the data dir of cp1 (member cp1, /var/lib/etcd): revision "
          + survivorRevision + " (its etcd answers, no leader)"), check.stdout());
      assertTrue(check.stdout().contains("(revision " + snapshotRevision + ", taken "), check.stdout());
      assertTrue(check.stdout().contains("fresher: the survivor, by " + (survivorRevision - snapshotRevision)
          + " revisions"), check.stdout());
      assertEquals(manifests, plays.sha256(HOSTS, "/etc/kubernetes/manifests/*"), "check mode changed a manifest");
      assertEquals(cp1Etcd, pids("etcd").get("cp1"), "check mode restarted the survivor's etcd");

      // the restore: one new cluster of three voters, every key written before the loss on every member
      long started = System.nanoTime();
      Proc.Result restored = restore("cp1");
      System.out.printf("quorum-lost restore took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
      assertEquals(0, restored.exitCode(), restored.stdout() + restored.stderr());
      assertTrue(restored.stdout().contains("- Source: the data dir of cp1 (quorum lost), exported"), restored.stdout());
      assertEquals(List.of("cp1", "cp2", "cp3"), voters());
      String newCluster = clusterIdAt(1);
      assertNotEquals(oldCluster, newCluster);
      for (int i = 1; i <= 3; i++) {
        String at = "https://" + net + "." + i + ":2379";
        assertEquals(newCluster, clusterIdAt(i), at);
        Map<String, String> keys = LabPlays.withoutStandIns(keysAt(at));
        assertEquals(beforeLoss, keys, at + " serves every key written before the loss");
        assertTrue(revisionAt(at) >= survivorRevision + 100_000, at + ": the revision was bumped");
      }
      try (Stream<Path> s = Files.list(plays.clusterStore())) {
        assertTrue(s.anyMatch(p -> p.getFileName().toString().matches(
            "etcd-" + oldCluster + "-[0-9]{8}T[0-9]{6}Z-r" + survivorRevision + "-cp1\\.db")),
            "the export is in the cluster's folder of the store");
      }

      // an older survivor: cp3's etcd is stopped (its manifest out) while cp1 and cp2 take writes and a snapshot;
      // then cp1's and cp2's data is lost and cp3's etcd starts again on its old data. Restarted without quorum it
      // answers no client (etcd serves them once it has published itself through raft), so the play compares the
      // export's own revision: refused, the survivor's manifests back, nothing else changed.
      String cp3 = "https://" + net + ".3:2379";
      Path cp3Manifest = hostPath("cp3", "etc-kubernetes/manifests/etcd.yaml");
      Path cp3Aside = hostPath("cp3", "etc-kubernetes/etcd.yaml.it-aside");
      long cp3Revision = revisionAt(cp3);
      Files.move(cp3Manifest, cp3Aside);
      awaitGone("cp3", "etcd");
      String cp12 = "https://" + net + ".1:2379,https://" + net + ".2:2379";
      for (int i = 0; i < 20; i++) {
        putAt(cp12, "/registry/while-cp3-stopped/k" + i, "v" + i);
      }
      lab.ssh("cp1", "java -jar /var/lib/etcd-dr/jar/etcd-dr.jar snapshot save --dir /var/lib/etcd-dr/it-snapshots"
          + " --cluster-name " + plays.clusterName() + " -o json").requireSuccess();
      long newestRevision;
      try (Stream<Path> s = Files.list(hostPath("cp1", "var-lib/etcd-dr/it-snapshots"))) {
        List<Path> files = s.toList();
        for (Path p : files) {
          Files.copy(p, plays.clusterStore().resolve(p.getFileName()));
        }
        Path sidecar = files.stream().filter(p -> p.toString().endsWith(".db.json")).findFirst().orElseThrow();
        newestRevision = JSON.readTree(sidecar.toFile()).path("revision").asLong();
      }
      assertTrue(cp3Revision < newestRevision, cp3Revision + " < " + newestRevision);
      for (String h : List.of("cp1", "cp2")) {
        Path member = hostPath(h, "var-lib/etcd/member");
        deleteTree(member);
        Files.createDirectories(member.resolve("snap/db"));
        lab.ssh(h, "kill -9 " + pids("etcd").get(h)).requireSuccess();
      }
      Files.move(cp3Aside, cp3Manifest);

      manifests = plays.sha256(HOSTS, "/etc/kubernetes/manifests/*");
      Map<String, Long> apiservers = pids("kube-apiserver");
      Proc.Result older = restore("cp3");
      assertNotEquals(0, older.exitCode());
      assertTrue(older.stdout().contains("revision unknown: its etcd does not answer"), older.stdout());
      // cp3's last revision: at least what etcdctl read before its stop (heartbeats came between), below the snapshot's
      java.util.regex.Matcher said = java.util.regex.Pattern.compile("the export of cp3 \\(\\S+\\) is at revision"
          + " (\\d+), OLDER than the newest snapshot \\S+ \\(revision " + newestRevision + ",").matcher(older.stdout());
      assertTrue(said.find(), older.stdout());
      long exported = Long.parseLong(said.group(1));
      assertTrue(exported >= cp3Revision && exported < newestRevision, exported + " in [" + cp3Revision + ", "
          + newestRevision + ")");
      assertTrue(older.stdout().contains("-e etcd_dr_accept_older_source=true")
          && older.stdout().contains("its etcd runs again; nothing else was changed"), older.stdout());
      assertEquals(manifests, plays.sha256(HOSTS, "/etc/kubernetes/manifests/*"), "a refused restore moved a manifest");
      assertEquals(Map.of("cp1", apiservers.get("cp1"), "cp2", apiservers.get("cp2")),
          Map.of("cp1", pids("kube-apiserver").get("cp1"), "cp2", pids("kube-apiserver").get("cp2")),
          "only the survivor's apiserver was stopped (and started again)");
      assertTrue(pids("etcd").containsKey("cp3"), "the survivor's etcd runs again");
      assertTrue(pids("kube-apiserver").containsKey("cp3"), "the survivor's apiserver runs again");
    }
  }

  /** Waits until the host's kubelet stand-in runs no such container, for 30 s. */
  private void awaitGone(String host, String container) throws Exception {
    for (int i = 0; i < 60 && pids(container).containsKey(host); i++) {
      Thread.sleep(500);
    }
    assertTrue(!pids(container).containsKey(host), container + " still runs on " + host);
  }

  private Proc.Result restore(String survivor, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-e", "etcd_dr_source_datadir=" + survivor,
        "-e", "etcd_dr_confirm=" + plays.clusterName()));
    args.addAll(LabPlays.OWN_JAR);
    args.addAll(List.of(extra));
    return plays.play("playbooks/restore.yml", args.toArray(String[]::new));
  }

  /** A put that waits out an election: the member stopped may have been the leader. */
  private void putAt(String endpoints, String key, String value) throws Exception {
    Proc.Result r = null;
    for (int i = 0; i < 20; i++) {
      r = etcd.etcdctlAt(endpoints, "put", key, value);
      if (r.exitCode() == 0) {
        return;
      }
      Thread.sleep(500);
    }
    r.requireSuccess();
  }

  private Path hostPath(String host, String relative) {
    return lab.hostPath(host, relative);
  }

  private Map<String, Long> pids(String container) throws Exception {
    return lab.containerPids(HOSTS, container);
  }

  /** Waits until the member at endpoint answers status but has no leader (quorum lost), for 30 s. */
  private void awaitNoLeader(String endpoint) throws Exception {
    String last = "";
    for (int i = 0; i < 60; i++) {
      Proc.Result r = etcd.etcdctlAt(endpoint, "endpoint", "status", "-w", "json");
      last = r.stdout() + r.stderr();
      if (r.exitCode() == 0 && JSON.readTree(r.stdout()).get(0).at("/Status/leader").asLong() == 0) {
        return;
      }
      if (r.exitCode() != 0 && last.contains("no leader")) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(endpoint + " still has a leader: " + last);
  }

  private long revisionAt(String endpoint) throws Exception {
    return JSON.readTree(etcd.etcdctlAt(endpoint, "endpoint", "status", "-w", "json").requireSuccess().stdout())
        .get(0).at("/Status/header/revision").asLong();
  }

  private String clusterIdAt(int host) throws Exception {
    JsonNode s = JSON.readTree(etcd.etcdctlAt("https://" + net + "." + host + ":2379", "endpoint", "status", "-w",
        "json").requireSuccess().stdout()).get(0);
    return String.format("%016x", s.at("/Status/header/cluster_id").asLong());
  }

  /** Every key and value the member at endpoint itself holds (a serializable read: no leader needed). */
  private Map<String, String> keysAt(String endpoint) throws Exception {
    JsonNode out = JSON.readTree(etcd.etcdctlAt(endpoint, "get", "/", "--prefix", "--consistency=s", "-w", "json")
        .requireSuccess().stdout());
    Map<String, String> keys = new TreeMap<>();
    for (JsonNode kv : out.path("kvs")) {
      keys.put(decode(kv.get("key").asText()), decode(kv.path("value").asText("")));
    }
    return keys;
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private List<String> voters() throws Exception {
    JsonNode out = JSON.readTree(etcd.etcdctlAt("https://" + net + ".1:2379", "member", "list", "-w", "json")
        .requireSuccess().stdout());
    List<String> names = new ArrayList<>();
    out.path("members").forEach(m -> {
      if (!m.path("isLearner").asBoolean(false)) {
        names.add(m.path("name").asText(""));
      }
    });
    assertEquals(3, out.path("members").size(), "no learner left: " + out);
    return names.stream().sorted().toList();
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
