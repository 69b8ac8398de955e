package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.testing.EtcdDb;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * `ansible-playbook playbooks/restore.yml` and `rollback.yml` on the lab (etcd 3.5): real ansible, sshd, kubelet
 * stand-ins and etcd. Each must-show of the restore issue is a step here, in an order where each leaves the lab usable.
 */
class RestorePlaybookIT extends RestoreLabBase {
  private static final String V35 = EtcdVersion.V3_5.version;

  @Test
  void etcd35_restore_refusals_rollback_interruption_and_bump() throws Exception {
    try (Lab l = seededAndBackedUp("127.0.9", "3.5", 150)) {
      Map<String, String> inSnapshot = LabPlays.withoutStandIns(etcd.keys("/"));
      String oldCluster = clusterIds().get(0);

      damage(inSnapshot);
      Map<String, String> damaged = LabPlays.withoutStandIns(etcd.keys("/"));
      assertNotEquals(inSnapshot, damaged);

      // a learner outside the inventory, never started: it does not stop the restore, which drops it (below)
      Proc.Result added = etcd.etcdctl("member", "add", "cp4", "--learner",
          "--peer-urls=https://" + lab.address(4) + ":2380").requireSuccess();
      // etcdctl prints the ID with %16x: space-padded, where the jar and `member list -w json` give 16 digits
      String learner = String.format("%16s", added.stdout().replaceFirst("(?s)^Member +([0-9a-f]+) added.*", "$1"))
          .replace(' ', '0');
      assertEquals(List.of(learner), etcd.learnerIds(), added.stdout());
      String learnerSaid = "unnamed, never started (ID " + learner + ", peer URLs https://" + lab.address(4) + ":2380)";

      // --check prints the plan and changes nothing; preflight and plan name the learner the restore drops
      String before = hostsState();
      Proc.Result check = restore("--check");
      assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
      assertTrue(check.stdout().contains("revision bump") && check.stdout().contains("initial cluster cp1="),
          check.stdout());
      assertTrue(check.stdout().contains("WARNING: the live cluster has 1 learner member(s) that are not in the"
          + " inventory: " + learnerSaid) && check.stdout().contains("they will NOT exist after the restore")
          && check.stdout().contains("etcdctl member add NAME --learner --peer-urls=URLS"), check.stdout());
      assertTrue(check.stdout().contains("learners dropped by the restore: " + learnerSaid), check.stdout());
      assertTrue(check.stdout().contains("etcd " + V35 + ", from the backup's sidecar and the db itself"),
          check.stdout());
      assertEquals(before, hostsState(), "check mode changed a host");

      // a snapshot of etcd 3.6 taken by hand (no sidecar: only the db says it) is refused in preflight, on every
      // host, naming the host, its etcd and image, the snapshot's version and where it comes from, the override
      Path newer = EtcdDb.etcd36().put(2, "/registry/configmaps/default/x", "1")
          .write(plays.clusterStore().resolve("by-hand-3.6.db"));
      String pids = etcdAndApiserverPids();
      Proc.Result tooNew = restore("-e", "etcd_dr_snapshot=" + newer);
      Files.delete(newer);
      assertNotEquals(0, tooNew.exitCode());
      for (String h : HOSTS) {
        assertTrue(tooNew.stdout().contains(h + ": its etcd.yaml runs etcd " + V35 + " (image registry.k8s.io/etcd:"
            + V35 + "-0), but the snapshot is etcd 3.6, from the db itself (meta/storageVersion 3.6.0,"
            + " cluster/clusterVersion 3.6.0): an etcd older than 3.6 may not start from it. Nothing was stopped."),
            tooNew.stdout());
      }
      assertTrue(tooNew.stdout().contains("-e etcd_dr_allow_version_mismatch=true"), tooNew.stdout());
      assertFalse(tooNew.stdout().contains("is a snapshot of cluster"), "refused for its version, in preflight");
      assertEquals(before, hostsState(), "a refused restore changed a host");
      assertEquals(pids, etcdAndApiserverPids(), "a refused restore stopped etcd or an apiserver");

      // 2. one host unreachable at preflight: nothing changes anywhere
      Path hostVars = lab.state().resolve("host_vars");
      Files.createDirectories(hostVars);
      Files.writeString(hostVars.resolve("cp3.yml"), "ansible_port: 1\n");
      Proc.Result unreachable = restore();
      assertNotEquals(0, unreachable.exitCode());
      assertTrue(unreachable.stdout().contains("UNREACHABLE"), unreachable.stdout());
      Files.delete(hostVars.resolve("cp3.yml"));
      assertEquals(before, hostsState(), "a refused restore changed a host");

      // 3. a different snapshot file on one host: refused before anything is stopped
      Path snapshot = plays.newestSnapshot();
      for (String h : HOSTS) {
        Path staged = hostPath(h, "var-lib/etcd-dr/staged/restore-me.db");
        Files.createDirectories(staged.getParent());
        Files.copy(snapshot, staged);
      }
      byte[] other = Files.readAllBytes(snapshot);
      other[other.length / 2] ^= 1;
      Files.write(hostPath("cp3", "var-lib/etcd-dr/staged/restore-me.db"), other);
      before = hostsState();
      Proc.Result differs = restore("-e", "etcd_dr_snapshot=", "-e",
          "etcd_dr_snapshot_on_hosts=/var/lib/etcd-dr/staged/restore-me.db");
      assertNotEquals(0, differs.exitCode());
      assertTrue(differs.stdout().contains("is not the same file on every host"), differs.stdout());
      assertEquals(before, hostsState(), "a refused restore changed a host");

      // refused before the outage: a manifest with --wal-dir (etcd's WAL where it is anyway, so etcd still runs).
      // Its image named by digest alone is warned about in preflight (no version to check), not refused.
      Path cp2Etcd = hostPath("cp2", "etc-kubernetes/manifests/etcd.yaml");
      String cp2Manifest = Files.readString(cp2Etcd);
      String digest = "registry.k8s.io/etcd@sha256:" + "0123456789abcdef".repeat(4);
      String withWalDir = cp2Manifest.replace("    - --data-dir=/var/lib/etcd\n",
          "    - --data-dir=/var/lib/etcd\n    - --wal-dir=/var/lib/etcd/member/wal\n")
          .replace("image: registry.k8s.io/etcd:" + V35 + "-0\n", "image: " + digest + "\n");
      assertTrue(withWalDir.contains("--wal-dir") && withWalDir.contains(digest),
          "the lab's manifest has the expected data-dir and image lines");
      rewriteEtcdManifest("cp2", withWalDir);
      before = hostsState();
      Proc.Result walDir = restore();
      assertNotEquals(0, walDir.exitCode());
      assertTrue(walDir.stdout().contains("the restore would fail, nothing was stopped")
          && walDir.stdout().contains("cp2") && walDir.stdout().contains("--wal-dir"), walDir.stdout());
      assertTrue(walDir.stdout().contains("WARNING cp2: the etcd image " + digest + " in its etcd.yaml names no"
          + " version (a digest, or a tag that is not one), so whether it can start from the snapshot (etcd " + V35
          + ", from the backup's sidecar") && walDir.stdout().contains("was NOT checked"), walDir.stdout());
      assertEquals(before, hostsState(), "a refusal in preflight stopped or changed something");
      rewriteEtcdManifest("cp2", cp2Manifest);

      // a hostile holder.json on cp2 is refused unread: its "pid" never reaches a shell on the controller
      Path pwned = work.resolve("pwned");
      Path lockDir = hostPath("cp2", "etc-kubernetes/etcd-dr-restores/lock");
      Files.createDirectories(lockDir);
      Files.writeString(lockDir.resolve("holder.json"), "{\"controller\": \"" + java.net.InetAddress.getLocalHost()
          .getHostName() + "\", \"id\": \"evil\", \"pid\": \"1; touch " + pwned + "\", \"pid_start\": \"1\","
          + " \"started\": \"2026-01-01T00:00:00Z\"}\n");
      before = hostsState();
      Proc.Result hostile = restore();
      assertNotEquals(0, hostile.exitCode());
      assertTrue(hostile.stdout().contains("is not a lock etcd-dr wrote"), hostile.stdout());
      assertFalse(Files.exists(pwned), "a host's holder.json ran a command on the controller");
      assertEquals(before, hostsState(), "a refused restore changed a host");
      Files.delete(lockDir.resolve("holder.json"));

      // the same dir with no holder and an old mtime: a run killed right after mkdir; cleared with a message
      Proc.run(List.of("touch", "-d", "10 minutes ago", lockDir.toString())).requireSuccess();

      // 4. the jar killed on cp2 while restoring: everything rolled back, old cluster with all its keys
      Path faulty = hostPath("cp2", "var-lib/faulty-java");
      Files.writeString(faulty, """
          #!/bin/sh
          # java, except that a restore (not its dry run) is killed (SIGKILL) a moment after it starts
          case "$*" in
            *"--dry-run"*) exec java "$@" ;;
            *"snapshot restore"*) java "$@" & pid=$!; sleep 0.3; kill -9 $pid; wait $pid; exit $? ;;
          esac
          exec java "$@"
          """);
      faulty.toFile().setExecutable(true);
      Files.writeString(hostVars.resolve("cp2.yml"), "etcd_dr_java: /var/lib/faulty-java\n");
      Proc.Result killed = restore("-e", "etcd_dr_restore_id=failed1");
      Files.delete(hostVars.resolve("cp2.yml"));
      assertNotEquals(0, killed.exitCode());
      assertTrue(killed.stdout().contains("names no holder: it was left by a restore killed right after taking it"),
          killed.stdout());
      assertTrue(killed.stdout().contains("the restore failed on cp2 (exit 137)"), killed.stdout());
      assertTrue(killed.stdout().contains("Rolled back"), killed.stdout());
      assertEquals(List.of(oldCluster), clusterIds(), "the old cluster is back");
      assertEquals(damaged, LabPlays.withoutStandIns(etcd.keys("/")), "the old cluster kept every key");
      assertApiserversServe();
      JsonNode failedReport = json.readTree(plays.clusterStore().resolve("restores/failed1.json").toFile());
      assertEquals("rolled-back", failedReport.get("outcome").asText());

      // 5. killed while waiting for the restored etcd, then run again: it rolls the first back and completes
      long maxBefore = maxRevision();
      Path out = work.resolve("interrupted.out");
      Process interrupted = startRestore(out, "-e", "etcd_dr_restore_id=killed1");
      LabPlays.waitFor(out, "TASK [etcd_restore : Wait until every member is healthy", 300);
      Thread.sleep(1500);
      interrupted.descendants().forEach(ProcessHandle::destroyForcibly);
      interrupted.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      maxBefore = Math.max(maxBefore, maxRevisionOfReachable());
      // The gate held back until the snapshot's masterleases (15 s etcd leases) expired in the restored cluster.
      Path slow = hostPath("cp1", "var-lib/slow-java");
      Files.writeString(slow, """
          #!/bin/sh
          # java, except that the restore's gate starts 35 s late
          case "$*" in
            *"cluster health"*"--expect-cluster-id"*"--count-keys"*) sleep 35 ;;
          esac
          exec java "$@"
          """);
      slow.toFile().setExecutable(true);
      Files.writeString(hostVars.resolve("cp1.yml"), "etcd_dr_java: /var/lib/slow-java\n");
      Map<String, String> manifestsBefore = plays.sha256(HOSTS, "/etc/kubernetes/manifests/etcd.yaml");
      Proc.Result again = restore("-e", "etcd_dr_restore_id=final1");
      Files.delete(hostVars.resolve("cp1.yml"));
      assertEquals(0, again.exitCode(), again.stdout() + again.stderr());
      assertEquals(manifestsBefore, plays.sha256(HOSTS, "/etc/kubernetes/manifests/etcd.yaml"), "the restore changed an etcd manifest");
      for (String h : HOSTS) {
        assertTrue(Files.isDirectory(hostPath(h, "var-lib/etcd/etcd-dr-final1/original/member/wal")),
            h + ": the old member is kept inside the data dir");
      }
      assertTrue(again.stdout().contains("restore killed1") && again.stdout().contains("was interrupted"),
          again.stdout());
      assertTrue(again.stdout().contains("learners dropped by the restore: " + learnerSaid), again.stdout());
      assertEquals(List.of(), etcd.learnerIds(), "the restore dropped the learner");

      // 1. every key as in the snapshot, later ones gone, 3 healthy members of a new cluster, apiservers back
      assertEquals(inSnapshot, LabPlays.withoutStandIns(etcd.keys("/")));
      List<String> ids = clusterIds();
      assertEquals(1, ids.stream().distinct().count(), "one cluster: " + ids);
      assertNotEquals(oldCluster, ids.get(0), "a new cluster ID");
      assertEquals(HOSTS, etcd.memberNames());
      assertApiserversServe();
      JsonNode report = json.readTree(plays.clusterStore().resolve("restores/final1.json").toFile());
      assertEquals("restored", report.get("outcome").asText());
      assertEquals(3, report.at("/key_counts/snapshot/~1registry~1masterleases~1").asLong(), report.toString());
      assertTrue(report.at("/key_counts/restored_before_apiservers/~1registry~1masterleases~1").asLong(0) < 3,
          "the gate ran after the leased keys expired: " + report);
      assertNoApiserverDuring(report.at("/times/stopped").asDouble(), report.at("/times/etcd_healthy").asDouble());
      assertTrue(Files.readString(plays.clusterStore().resolve("restores/final1.md")).contains("RESTORED"));

      // 6. revisions never go backwards: the first write lands above everything the old cluster showed
      long first = etcd.put("/registry/after-restore", "x");
      assertTrue(first > maxBefore, "first revision " + first + " after restore, old cluster reached " + maxBefore);

      // rollback.yml tells the truth: an apiserver that cannot start fails it, naming the host
      Path kept = hostPath("cp2", "etc-kubernetes/etcd-dr-restores/final1/original/kube-apiserver.yaml");
      String keptApiserver = Files.readString(kept);
      Files.writeString(kept, keptApiserver.replaceFirst("--secure-port=6443", "--secure-port=not-a-port"));
      assertNotEquals(keptApiserver, Files.readString(kept), "the lab's apiserver manifest has --secure-port=6443");
      Proc.Result broken = play("playbooks/rollback.yml", "-e", "etcd_dr_restore_id=final1",
          "-e", "etcd_restore_apiserver_wait=20");
      assertNotEquals(0, broken.exitCode(), broken.stdout());
      assertTrue(broken.stdout().contains("ROLLBACK-FAILED") && broken.stdout().contains(
          "cp2: its apiserver did not answer /readyz"), broken.stdout());
      Files.writeString(kept, keptApiserver);

      // run again, it finishes on cp2 alone and undoes the completed restore: the old cluster, apiservers back
      Proc.Result rollback = play("playbooks/rollback.yml", "-e", "etcd_dr_restore_id=final1");
      assertEquals(0, rollback.exitCode(), rollback.stdout() + rollback.stderr());
      assertTrue(rollback.stdout().contains("already rolled back: cp1, cp3"), rollback.stdout());
      assertEquals(List.of(oldCluster), clusterIds());
      assertEquals(damaged, LabPlays.withoutStandIns(etcd.keys("/")));
      assertApiserversServe();

      // the roles pass ansible-lint's production profile
      Proc.Result lint = Proc.run(List.of("ansible-lint", "playbooks/"), Map.of(), Repo.root(), 300);
      assertEquals(0, lint.exitCode(), lint.stdout() + lint.stderr());
    }
  }
}
