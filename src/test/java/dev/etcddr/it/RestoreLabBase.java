package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab and the steps both restore-playbook ITs use: a seeded lab with one backup, damage after it, and what a
 * restore must show (cluster IDs, revisions, apiservers serving, none running during the outage).
 */
abstract class RestoreLabBase {
  protected static final List<String> HOSTS = List.of("cp1", "cp2", "cp3");

  @TempDir
  Path work;

  protected final ObjectMapper json = new ObjectMapper();
  protected Lab lab;
  protected LabEtcd etcd;
  protected Path controller;
  protected LabPlays plays;

  /** PIDs of etcd and the apiserver stand-in on every host: unchanged when nothing was stopped or restarted. */
  protected String etcdAndApiserverPids() {
    StringBuilder sb = new StringBuilder();
    for (String h : HOSTS) {
      // [a]: the pattern does not match the shell that runs pgrep
      sb.append(h).append(' ').append(lab.ssh(h, "pgrep -x etcd; pgrep -f 'lib/[a]piserver[.]py'").requireSuccess()
          .stdout());
    }
    return sb.toString();
  }

  /** A lab of its own with some objects and one backup in the controller store. */
  protected Lab seededAndBackedUp(String network, String version, int objects) {
    controller = work.resolve("backups");
    lab = new Lab(work.resolve("lab"), network);
    plays = new LabPlays(lab, controller);
    try {
      assertEquals(0, lab.up("--etcd", version).exitCode());
      etcd = new LabEtcd(lab, 3);
      lab.run("seed", "--count", String.valueOf(objects)).requireSuccess();
      Proc.Result backup = play("playbooks/backup.yml");
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      return lab;
    } catch (RuntimeException | Error e) {
      lab.close(); // nothing of a half-made lab is left behind
      throw e;
    }
  }

  protected Proc.Result play(String playbook, String... extra) {
    return plays.play(playbook, extra);
  }

  protected Proc.Result restore(String... extra) throws Exception {
    return plays.restore(extra);
  }

  protected Process startRestore(Path out, String... extra) throws Exception {
    return plays.start(out, "playbooks/restore.yml", plays.restoreArgs(extra));
  }

  protected Path hostPath(String host, String relative) {
    return lab.state().resolve("hosts/" + host + "/" + relative);
  }

  /** Deletes some keys of the snapshot, overwrites others, adds new ones. */
  protected void damage(Map<String, String> inSnapshot) throws Exception {
    List<String> keys = new ArrayList<>(inSnapshot.keySet());
    for (int i = 0; i < 10; i++) {
      etcd.etcdctl("del", keys.get(i * 3)).requireSuccess();
      etcd.etcdctl("put", keys.get(i * 3 + 1), "overwritten after the backup").requireSuccess();
      etcd.etcdctl("put", "/registry/configmaps/late/k" + i, "written after the backup").requireSuccess();
    }
  }

  protected List<String> clusterIds() throws Exception {
    return etcd.status().stream().map(s -> s.at("/Status/header/cluster_id").asText()).distinct().toList();
  }

  protected long maxRevision() throws Exception {
    return etcd.status().stream().mapToLong(s -> s.at("/Status/header/revision").asLong()).max().orElseThrow();
  }

  /** Members answering now (some may be down after a kill): the highest revision any shows. */
  protected long maxRevisionOfReachable() throws Exception {
    long max = 0;
    for (int i = 1; i <= 3; i++) {
      Proc.Result r = etcd.etcdctlAt("https://" + lab.address(i) + ":2379", "endpoint", "status", "-w", "json");
      if (r.exitCode() == 0) {
        for (JsonNode s : json.readTree(r.stdout())) {
          max = Math.max(max, s.at("/Status/header/revision").asLong());
        }
      }
    }
    return max;
  }

  /** Writes a host's etcd.yaml, waits until its kubelet restarted etcd for it and the cluster is healthy again. */
  protected void rewriteEtcdManifest(String host, String content) throws Exception {
    Path log = hostPath(host, "var-lib/kubelet-standin/kubelet.log");
    long stops = Files.readAllLines(log).stream().filter(l -> l.contains(" stopped etcd-")).count();
    Files.writeString(hostPath(host, "etc-kubernetes/manifests/etcd.yaml"), content);
    for (int i = 0; i < 60 && Files.readAllLines(log).stream().filter(l -> l.contains(" stopped etcd-")).count()
        == stops; i++) {
      Thread.sleep(500);
    }
    waitForHealthy();
  }

  /** Waits until the three members answer as one healthy cluster again (after a manifest change restarted one). */
  protected void waitForHealthy() throws Exception {
    for (int i = 0; i < 60; i++) {
      if (etcd.etcdctl("endpoint", "health").exitCode() == 0) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the lab's etcd did not become healthy: " + etcd.etcdctl("endpoint", "health"));
  }

  /** Every host's /readyz answers ok. */
  protected void assertApiserversServe() {
    for (int i = 1; i <= 3; i++) {
      assertEquals("ok", plays.readyz(i), "apiserver on " + lab.address(i));
    }
  }

  /**
   * Manifests (with content), per-restore folders, data dirs, and how many stops each kubelet logged. The staging
   * dir is left out: a copy of the snapshot staged in preflight is the one change a refused restore may leave
   * (with /var/lib/etcd-dr made for it, where no backup ran yet).
   */
  protected String hostsState() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String h : HOSTS) {
      sb.append(h).append('\n').append(lab.ssh(h, "cd /etc/kubernetes && sha256sum manifests/*; ls -A /etc/kubernetes;"
          + " ls -A /var/lib | grep -vx -e kubelet-standin -e etcd-dr;"
          + " ls -A /var/lib/etcd-dr 2>/dev/null | grep -vx incoming; ls -A /var/lib/etcd")
          .stdout());
      long stops = Files.readAllLines(hostPath(h, "var-lib/kubelet-standin/kubelet.log")).stream()
          .filter(l -> l.contains(" stop ")).count();
      sb.append("stops ").append(stops).append('\n');
    }
    return sb.toString();
  }

  /**
   * From the kubelet stand-ins' logs: on no host did an apiserver run at any moment between the time every
   * static pod had been stopped and the time the restored etcd passed its gates.
   */
  protected void assertNoApiserverDuring(double from, double to) throws Exception {
    assertTrue(from > 0 && to > from, "times " + from + " .. " + to);
    for (String h : HOSTS) {
      boolean running = false;
      for (String line : Files.readAllLines(hostPath(h, "var-lib/kubelet-standin/kubelet.log"))) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 4) {
          continue;
        }
        double t = Instant.parse(parts[0]).toEpochMilli() / 1000.0;
        String what = parts[3];
        boolean start = what.startsWith("start kube-apiserver-");
        boolean stop = what.startsWith("stopped kube-apiserver-") || what.startsWith("kube-apiserver-")
            && what.contains(" exited with ");
        if (t >= from && t <= to) {
          assertFalse(start, h + ": an apiserver started while etcd was restored: " + line);
        }
        if (t < from) {
          running = start || (running && !stop);
        }
      }
      assertFalse(running, h + ": an apiserver was still running when the restore began");
    }
  }
}
