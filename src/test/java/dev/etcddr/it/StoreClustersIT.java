package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Operator;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One controller, one store, two clusters (two labs, 127.0.15.x = A and 127.0.16.x = B), run by an operator
 * WITHOUT root: each cluster's backups, retention, "latest" and schedule stay its own; B's snapshot is refused in
 * A before anything stops and restored only with B's cluster ID confirmed; a backup during that restore is refused;
 * restore and drill take the same "latest" from a store copied with new mtimes.
 */
class StoreClustersIT {
  private static final String NET_A = "127.0.15";
  private static final String NET_B = "127.0.16";
  private static final String A = "lab-127-0-15";
  private static final String B = "lab-127-0-16";

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void two_clusters_share_a_store_and_a_non_root_controller_without_touching_each_other() throws Exception {
    try (Lab labA = new Lab(work.resolve("lab-a"), NET_A); Lab labB = new Lab(work.resolve("lab-b"), NET_B);
        Operator op = Operator.create("etcddr-op")) {
      assertEquals(0, labA.up("--etcd", "3.5").exitCode());
      assertEquals(0, labB.up("--etcd", "3.5").exitCode());
      labA.run("seed", "--count", "120").requireSuccess();
      labB.run("seed", "--count", "40").requireSuccess();
      Path invA = op.inventoryFor(labA, "a");
      Path invB = op.inventoryFor(labB, "b");
      Path store = op.home().resolve("store");
      String[] common = {"-e", "etcd_dr_store=" + store, "-e", "etcd_backup_timeout=5s", "-e", "etcd_restore_timeout=5s"};

      // 1. B backs up first and is scheduled; then A, twice, scheduled at another time: both entries coexist
      Proc.Result backupB = op.play(invB, "playbooks/backup.yml", with(common, "-e",
          "{\"etcd_backup_schedule\": \"23 4 * * *\"}"));
      assertEquals(0, backupB.exitCode(), backupB.stdout() + backupB.stderr());
      List<Path> bSnapshots = snapshots(store.resolve(B));
      assertEquals(1, bSnapshots.size(), bSnapshots.toString());
      // B's set is given the newest mtime in the store: a choice by mtime would take it
      for (Path p : sets(bSnapshots.get(0))) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(3600)));
      }
      Proc.Result backupA1 = op.play(invA, "playbooks/backup.yml", with(common, "-e",
          "{\"etcd_backup_schedule\": \"17 3 * * *\"}"));
      assertEquals(0, backupA1.exitCode(), backupA1.stdout() + backupA1.stderr());
      Thread.sleep(1100); // snapshot names carry the second
      Proc.Result backupA2 = op.play(invA, "playbooks/backup.yml", common);
      assertEquals(0, backupA2.exitCode(), backupA2.stdout() + backupA2.stderr());
      List<Path> aSnapshots = snapshots(store.resolve(A));
      assertEquals(2, aSnapshots.size(), aSnapshots.toString());
      String crontab = op.crontab();
      assertTrue(crontab.contains("#Ansible: etcd-dr backup " + A) && crontab.contains("#Ansible: etcd-dr backup " + B)
          && crontab.contains("17 3 * * *") && crontab.contains("23 4 * * *"), crontab);
      assertTrue(crontab.contains(store.resolve(A + "/schedule/backup-vars.yml").toString())
          && crontab.contains(store.resolve(B + "/schedule/backup-vars.yml").toString()), crontab);
      assertTrue(!Proc.run(List.of("crontab", "-l")).stdout().contains("etcd-dr backup"), "nothing in root's crontab");

      // 2. the same "latest" for restore and drill after a copy that gave every file a new mtime, the older
      //    snapshot the newest one: both take A's newest by the time in its name
      Path copy = op.home().resolve("store-copy");
      Proc.run(List.of("cp", "-r", store.toString(), copy.toString())).requireSuccess();
      op.chown(copy);
      for (Path p : sets(copy.resolve(A).resolve(aSnapshots.get(0).getFileName()))) {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(7200)));
      }
      String newestA = aSnapshots.get(1).getFileName().toString();
      Proc.Result drillPlan = op.play(invA, "playbooks/drill.yml", "-e", "etcd_dr_store=" + copy, "--check");
      assertEquals(0, drillPlan.exitCode(), drillPlan.stdout() + drillPlan.stderr());
      assertTrue(drillPlan.stdout().contains("would drill " + copy.resolve(A).resolve(newestA)), drillPlan.stdout());
      Proc.Result restorePlan = op.play(invA, "playbooks/restore.yml", "-e", "etcd_dr_store=" + copy, "-e",
          "etcd_dr_snapshot=latest", "-e", "etcd_dr_confirm=" + A, "--check");
      assertEquals(0, restorePlan.exitCode(), restorePlan.stdout() + restorePlan.stderr());
      assertTrue(restorePlan.stdout().contains(
          copy.resolve(A).resolve(newestA).toString()), restorePlan.stdout());

      // 3. the drill, for real, as the operator: green
      Proc.Result drill = op.play(invA, "playbooks/drill.yml", with(common, "-e", "etcd_drill_timeout=30s"));
      assertEquals(0, drill.exitCode(), drill.stdout() + drill.stderr());
      assertTrue(drill.stdout().contains("restore drill passed: " + newestA), drill.stdout());

      // 4. B's snapshot restored into A: refused before anything stops, naming B's cluster ID
      LabEtcd etcdA = new LabEtcd(labA, 3);
      String liveA = clusterId(etcdA);
      Path bSnapshot = bSnapshots.get(0);
      String bId = json.readTree(sidecar(bSnapshot).toFile()).get("cluster_id").asText();
      String beforeA = manifestsAndPids(labA);
      Proc.Result foreign = op.play(invA, "playbooks/restore.yml", with(common, "-e", "etcd_dr_snapshot=" + bSnapshot,
          "-e", "etcd_dr_confirm=" + A));
      assertNotEquals(0, foreign.exitCode());
      assertTrue(foreign.stdout().contains("is a snapshot of cluster " + bId) && foreign.stdout().contains(
          "named '" + B + "'") && foreign.stdout().contains("Nothing was stopped")
          && foreign.stdout().contains("etcd_dr_confirm_cluster_id=" + bId), foreign.stdout());
      assertEquals(beforeA, manifestsAndPids(labA), "a refused restore changed cluster A");
      assertEquals(liveA, clusterId(etcdA));

      // 5. allowed with B's ID confirmed; a backup of A started meanwhile is refused with a message
      Path restoreLog = work.resolve("restore.log");
      Process restore = op.start(invA, restoreLog, "playbooks/restore.yml", with(common, "-e",
          "etcd_dr_snapshot=" + bSnapshot, "-e", "etcd_dr_confirm=" + A, "-e", "etcd_dr_confirm_cluster_id=" + bId,
          "-e", "etcd_dr_restore_id=migrate1"));
      LabPlays.waitFor(restoreLog, "Note when the stop began", 300);
      Proc.Result during = op.play(invA, "playbooks/backup.yml", common);
      assertNotEquals(0, during.exitCode());
      assertTrue(during.stdout().contains("a restore of " + A + " holds") && during.stdout().contains("restore migrate1")
          && during.stdout().contains("this backup changed nothing"), during.stdout());
      assertEquals(0, restore.waitFor(), Files.readString(restoreLog));
      assertEquals(2, snapshots(store.resolve(A)).size(), "the refused backup stored nothing");
      String restoredA = clusterId(etcdA);
      JsonNode ids = json.readTree(store.resolve(A + "/cluster-ids.json").toFile());
      assertEquals(List.of(liveA, restoredA), ids.get("ids").findValuesAsText("cluster_id"), ids.toString());
      assertEquals(countOf(labB, "/registry/configmaps/"), countOf(labA, "/registry/configmaps/"),
          "A now holds B's objects");

      // 6. A's retention (keep one) prunes A's folder only: B's backup is untouched
      Thread.sleep(1100);
      Proc.Result keepOne = op.play(invA, "playbooks/backup.yml", with(common, "-e", "etcd_backup_keep_last=1"));
      assertEquals(0, keepOne.exitCode(), keepOne.stdout() + keepOne.stderr());
      assertEquals(1, snapshots(store.resolve(A)).size());
      assertEquals(bSnapshots, snapshots(store.resolve(B)));
      for (Path p : sets(bSnapshot)) {
        assertTrue(Files.isRegularFile(p), p + " was removed by A's retention");
      }

      // 7. restore latest on A takes A's newest (not B's, though B's file has the newest mtime), as the operator
      String newest = snapshots(store.resolve(A)).get(0).getFileName().toString();
      Proc.Result latest = op.play(invA, "playbooks/restore.yml", with(common, "-e", "etcd_dr_snapshot=latest",
          "-e", "etcd_dr_confirm=" + A, "-e", "etcd_dr_restore_id=latest1"));
      assertEquals(0, latest.exitCode(), latest.stdout() + latest.stderr());
      JsonNode report = json.readTree(store.resolve(A + "/restores/latest1.json").toFile());
      assertEquals(store.resolve(A).resolve(newest).toString(), report.get("plan").get("snapshot").asText());

      // everything the non-root runs left in the store is the operator's
      assertEquals(List.of(), op.notOwned(store));
    }
  }

  private static String[] with(String[] common, String... more) {
    return Stream.concat(Stream.of(common), Stream.of(more)).toArray(String[]::new);
  }

  private static List<Path> snapshots(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("etcd-.*\\.db")).sorted().toList();
    }
  }

  private static Path sidecar(Path snapshot) {
    return snapshot.resolveSibling(snapshot.getFileName() + ".json");
  }

  private static List<Path> sets(Path snapshot) {
    return Stream.of("", ".json", ".bundle.tar.gz").map(s -> snapshot.resolveSibling(snapshot.getFileName() + s))
        .filter(Files::exists).toList();
  }

  private String clusterId(LabEtcd etcd) throws Exception {
    JsonNode status = etcd.status().get(0);
    return String.format("%016x", status.get("Status").get("header").get("cluster_id").asLong());
  }

  private static long countOf(Lab lab, String prefix) throws Exception {
    return new LabEtcd(lab, 3).keys(prefix).size();
  }

  /** Each host's static pod manifests and the PIDs of what its kubelet runs: what "nothing stopped" compares. */
  private static String manifestsAndPids(Lab lab) {
    StringBuilder sb = new StringBuilder();
    for (String h : List.of("cp1", "cp2", "cp3")) {
      sb.append(h).append(lab.ssh(h, "sha256sum /etc/kubernetes/manifests/*.yaml; pgrep -x etcd")
          .requireSuccess().stdout());
    }
    return sb.toString();
  }
}
