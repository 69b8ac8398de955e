package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control-plane host loses power in the middle of a game-day restore: the play must give the surviving hosts
 * their control plane back on the OLD cluster within minutes, say which host is missing and the one command that
 * finishes the job when it returns, and after that command the same restore must complete. One lab per etcd
 * version is shared by every phase; each phase starts from the old cluster the previous one rolled back to.
 */
class RestoreFaultsIT {
  private static final List<String> HOSTS = List.of("cp1", "cp2", "cp3");
  /** The bound: surviving apiservers answer /readyz again within 3 minutes of the cut. */
  private static final long READY_AFTER_CUT_SECONDS = 180;

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();
  private Lab lab;
  private LabEtcd etcd;
  private LabPlays plays;

  @Test
  void etcd35_power_cut_during_stop_restore_and_gate_then_two_hosts_on_etcd_disks() throws Exception {
    try (Lab l = seededAndBackedUp("127.0.13", "3.5", "--data-disk", "ext4")) {
      Map<String, String> inSnapshot = LabPlays.withoutStandIns(etcd.keys("/"));
      String oldCluster = clusterIdsOf(HOSTS).get(0);
      for (int i = 0; i < 5; i++) {
        etcd.put("/registry/configmaps/late/k" + i, "written after the backup");
      }
      Map<String, String> damaged = LabPlays.withoutStandIns(etcd.keys("/"));
      Map<String, String> manifests = plays.sha256(HOSTS, "/etc/kubernetes/manifests/*.yaml");
      Map<String, String> dbInodes = dbInodes();

      cutOneHostAndRecover("stop", "Wait until none of them runs: etcd", 0, oldCluster, damaged, dbInodes);
      cutOneHostAndRecover("restore", "Build this member's data from the snapshot and swap it in", 700, oldCluster,
          damaged, dbInodes);
      cutOneHostAndRecover("gate", "Wait until every member is healthy", 1500, oldCluster, damaged, dbInodes);

      // two of three hosts lost: no quorum for the old cluster; the play says so and changes nothing more
      Path out = work.resolve("two.out");
      Process p = plays.start(out, "playbooks/restore.yml", plays.restoreArgs());
      LabPlays.waitFor(out, "TASK [etcd_restore : Wait until none of them runs: etcd]", 300);
      lab.run("poweroff", "cp2").requireSuccess();
      lab.run("poweroff", "cp3").requireSuccess();
      assertTrue(p.waitFor(600, TimeUnit.SECONDS));
      String two = Files.readString(out).replaceAll("\\s+", " "); // Ansible folds long messages
      assertNotEquals(0, p.exitValue(), two);
      assertTrue(two.contains("QUORUM LOST") && two.contains("Nothing was changed"), two);
      String id = restoreId(two);
      assertEquals("quorum-lost", report(id).get("outcome").asText());
      assertEquals("", lab.ssh("cp1", "ls -A /etc/kubernetes/etcd-dr-restores/" + id + " | grep -x -e set-aside"
          + " -e rolled-back || true").stdout().trim(), "the rollback acted on cp1 without a quorum");
      lab.run("boot", "cp2").requireSuccess();
      lab.run("boot", "cp3").requireSuccess();
      Proc.Result finish = plays.play("playbooks/rollback.yml", "-e", "etcd_dr_restore_id=" + id);
      assertEquals(0, finish.exitCode(), finish.stdout() + finish.stderr());
      assertOldClusterOnEveryHost(oldCluster, damaged);

      // and the same restore now completes: a new cluster of three members holding the snapshot's keys
      Proc.Result done = plays.restore();
      assertEquals(0, done.exitCode(), done.stdout() + done.stderr());
      List<String> ids = clusterIdsOf(HOSTS);
      assertEquals(1, ids.size(), "one cluster: " + ids);
      assertNotEquals(oldCluster, ids.get(0));
      assertEquals(HOSTS, etcd.memberNames());
      assertEquals(inSnapshot, LabPlays.withoutStandIns(etcd.keys("/")));
      assertEquals(manifests, plays.sha256(HOSTS, "/etc/kubernetes/manifests/*.yaml"), "the manifests are byte-for-byte as before");
      // the old db was renamed aside on its own filesystem, never copied: same inode, same device
      String doneId = restoreId(done.stdout());
      for (String h : HOSTS) {
        assertEquals(dbInodes.get(h), inode(h, "/var/lib/etcd/etcd-dr-" + doneId + "/original/member/snap/db"), h);
      }
      assertApiserversNeverSawAnotherCluster();
    }
  }

  @Test
  void etcd34_on_ipv6_power_cut_during_the_restore() throws Exception {
    try (Lab l = seededAndBackedUp("fd00:e7cd:14", "3.4")) {
      Map<String, String> inSnapshot = LabPlays.withoutStandIns(etcd.keys("/"));
      String oldCluster = clusterIdsOf(HOSTS).get(0);
      etcd.put("/registry/configmaps/late/k", "written after the backup");
      Map<String, String> damaged = LabPlays.withoutStandIns(etcd.keys("/"));
      cutOneHostAndRecover("restore", "Build this member's data from the snapshot and swap it in", 700, oldCluster,
          damaged, dbInodes());
      Proc.Result done = plays.restore();
      assertEquals(0, done.exitCode(), done.stdout() + done.stderr());
      assertEquals(1, clusterIdsOf(HOSTS).size());
      assertEquals(HOSTS, etcd.memberNames());
      assertEquals(inSnapshot, LabPlays.withoutStandIns(etcd.keys("/")));
      for (int i = 1; i <= 3; i++) {
        assertEquals("ok", plays.readyz(i), "apiserver on " + lab.urlHost(i));
      }
      assertApiserversNeverSawAnotherCluster();
    }
  }

  /**
   * Starts the restore, cuts cp3's power once the play reaches the task, and checks the degraded rollback; then
   * boots cp3 and runs the command the play printed: every host back on the old cluster, nothing lost.
   */
  private void cutOneHostAndRecover(String phase, String task, long delayMillis, String oldCluster,
      Map<String, String> oldKeys, Map<String, String> dbInodes) throws Exception {
    Path out = work.resolve(phase + ".out");
    Process p = plays.start(out, "playbooks/restore.yml", plays.restoreArgs());
    LabPlays.waitFor(out, "TASK [etcd_restore : " + task, 400);
    Thread.sleep(delayMillis);
    long cut = System.nanoTime();
    lab.run("poweroff", "cp3").requireSuccess();
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), phase + ": the play did not end");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cut);
    String played = Files.readString(out).replaceAll("\\s+", " "); // Ansible folds long messages
    assertNotEquals(0, p.exitValue(), played);
    assertTrue(played.contains("DEGRADED") && played.contains("not back: cp3"), phase + ":\n" + played);
    String id = restoreId(played);
    assertEquals("rolled-back-degraded", report(id).get("outcome").asText(), phase);
    for (int i = 1; i <= 2; i++) {
      assertEquals("ok", plays.readyz(i), phase + ": apiserver on " + lab.urlHost(i));
    }
    System.out.println("RestoreFaultsIT (" + (lab.ipv6() ? "IPv6" : "IPv4") + " lab) " + phase + ": the play ended,"
        + " surviving apiservers ready, " + seconds + " s after the power cut");
    assertTrue(seconds <= READY_AFTER_CUT_SECONDS, phase + ": the play ended (apiservers ready) " + seconds
        + " s after the cut");
    assertEquals(List.of(oldCluster), clusterIdsOf(List.of("cp1", "cp2")), phase + ": served by the old cluster");
    assertTrue(played.contains("rollback.yml -e etcd_dr_restore_id=" + id), phase + ": the command to finish");

    lab.run("boot", "cp3").requireSuccess();
    Proc.Result finish = plays.play("playbooks/rollback.yml", "-e", "etcd_dr_restore_id=" + id);
    assertEquals(0, finish.exitCode(), phase + ":\n" + finish.stdout() + finish.stderr());
    assertTrue(finish.stdout().contains("already rolled back: cp1, cp2"), finish.stdout());
    assertOldClusterOnEveryHost(oldCluster, oldKeys);
    for (String h : HOSTS) {
      assertEquals(dbInodes.get(h), inode(h, "/var/lib/etcd/member/snap/db"), phase + ": " + h
          + " runs on its original db file");
    }
  }

  private void assertOldClusterOnEveryHost(String oldCluster, Map<String, String> oldKeys) throws Exception {
    assertEquals(List.of(oldCluster), clusterIdsOf(HOSTS));
    assertEquals(HOSTS, etcd.memberNames());
    assertEquals(oldKeys, LabPlays.withoutStandIns(etcd.keys("/")), "the old cluster kept every key");
    for (int i = 1; i <= 3; i++) {
      assertEquals("ok", plays.readyz(i), "apiserver on " + lab.urlHost(i));
    }
  }

  /**
   * The apiserver stand-ins log each change of the cluster ID or a revision lower than one they saw before in
   * their etcd's answers: neither may ever happen while they run (they are stopped across the restore).
   */
  private void assertApiserversNeverSawAnotherCluster() throws Exception {
    for (String h : HOSTS) {
      String log = lab.ssh(h, "cat /var/lib/kubelet-standin/logs/kube-apiserver-*.log").requireSuccess().stdout();
      assertTrue(log.contains("heartbeat: etcd cluster "), h + ": the stand-in did not report its cluster:\n" + log);
      assertFalse(log.contains("cluster changed") || log.contains("revision went back"), h + ":\n" + log);
    }
  }

  // ---- helpers ----

  private Lab seededAndBackedUp(String network, String version, String... upArgs) {
    lab = new Lab(work.resolve("lab"), network);
    plays = new LabPlays(lab, work.resolve("backups"));
    try {
      List<String> args = new ArrayList<>(List.of("--etcd", version));
      args.addAll(List.of(upArgs));
      Proc.Result up = lab.up(args.toArray(String[]::new));
      assertEquals(0, up.exitCode(), up.stdout() + up.stderr());
      etcd = new LabEtcd(lab, 3);
      lab.run("seed", "--count", "100").requireSuccess();
      Proc.Result backup = plays.play("playbooks/backup.yml");
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close();
      throw e;
    }
  }

  private static String restoreId(String output) {
    Matcher m = Pattern.compile("etcd restore ([a-z0-9-]+)[: ]").matcher(output);
    assertTrue(m.find(), "no restore id in:\n" + output);
    return m.group(1);
  }

  private JsonNode report(String id) throws Exception {
    return json.readTree(plays.clusterStore().resolve("restores/" + id + ".json").toFile());
  }

  /** The cluster IDs the members of these hosts report, each asked alone. */
  private List<String> clusterIdsOf(List<String> hosts) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String h : hosts) {
      int i = HOSTS.indexOf(h) + 1;
      Proc.Result r = etcd.etcdctlAt("https://" + lab.urlHost(i) + ":2379", "endpoint", "status", "-w", "json");
      r.requireSuccess();
      ids.add(json.readTree(r.stdout()).get(0).at("/Status/header/cluster_id").asText());
    }
    return ids.stream().distinct().toList();
  }

  private String inode(String host, String path) {
    return lab.ssh(host, "stat -c '%d:%i' " + path).requireSuccess().stdout().trim();
  }

  private Map<String, String> dbInodes() {
    Map<String, String> m = new TreeMap<>();
    for (String h : HOSTS) {
      m.put(h, inode(h, "/var/lib/etcd/member/snap/db"));
    }
    return m;
  }
}
