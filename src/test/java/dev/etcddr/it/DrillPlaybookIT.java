package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.Repo;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ansible-playbook playbooks/drill.yml` on the lab (127.0.11.x) after backup.yml: the newest backup drills green
 * on the controller and on a chosen host, check mode changes nothing, and a corrupted backup fails the play with
 * metric 0. etcd 3.5 is found through PATH on the controller and given by etcd_drill_etcd on the host; etcd 3.4
 * given for the 3.5 backup is refused with the jar's message.
 */
class DrillPlaybookIT {
  private static final String NET = "127.0.11";

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();
  private Lab lab;
  private Path controller;
  private Path metrics;

  private static String jar() {
    return Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar")).toAbsolutePath().toString();
  }

  private Proc.Result playbook(String name, String... extra) {
    List<String> argv = new ArrayList<>(List.of("ansible-playbook", "-i", lab.inventory().toString(),
        Repo.root().resolve("playbooks/" + name).toString()));
    argv.addAll(List.of(extra));
    // etcd 3.5 first on the controller's PATH: the drill finds it there (Debian's 3.4 is in /usr/bin).
    String path = EtcdVersion.V3_5.bin("etcd").getParent() + ":" + System.getenv("PATH");
    return Proc.run(argv, Map.of("ANSIBLE_HOST_KEY_CHECKING", "True", "ANSIBLE_NOCOLOR", "1", "PATH", path), null,
        600);
  }

  private Proc.Result drill(String... extra) {
    List<String> args = new ArrayList<>(List.of("-e", "etcd_dr_jar_src=" + jar(), "-e",
        "etcd_dr_store=" + controller, "-e", "etcd_drill_metrics_dir=" + metrics, "-e",
        "etcd_drill_timeout=30s"));
    args.addAll(List.of(extra));
    return playbook("drill.yml", args.toArray(String[]::new));
  }

  private Path newest() throws Exception {
    try (Stream<Path> s = Files.list(controller.resolve("lab-" + NET.replace('.', '-')))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".db")).max(Path::compareTo).orElseThrow();
    }
  }

  @Test
  void the_newest_backup_drills_green_and_a_corrupted_one_fails_with_metric_0() throws Exception {
    controller = work.resolve("controller-store");
    metrics = work.resolve("metrics");
    lab = new Lab(work.resolve("lab"), NET);
    try (Lab l = lab) {
      assertEquals(0, lab.up("--etcd", "3.5").exitCode());
      lab.run("seed", "--count", "200").requireSuccess();
      // The jar goes to a dir of this test's own: lab hosts share /usr/local with other labs on this machine.
      Proc.Result backup = playbook("backup.yml", "-e", "etcd_dr_jar_src=" + jar(), "-e",
          "etcd_dr_store=" + controller, "-e", "etcd_backup_timeout=5s", "-e",
          "etcd_dr_install_dir=" + work.resolve("jar"));
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      Path snapshot = newest();
      JsonNode sidecar = json.readTree(snapshot.resolveSibling(snapshot.getFileName() + ".json").toFile());
      assertTrue(sidecar.get("hash_kv").canConvertToLong(), "backup.yml's sidecar records hash_kv: " + sidecar);

      // 1. check mode: says what it would drill, writes nothing
      Proc.Result check = drill("--check");
      assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
      assertTrue(check.stdout().contains("would drill " + snapshot), check.stdout());
      assertFalse(Files.exists(metrics), "no metrics in check mode");

      // 2. on the controller, etcd from PATH: every check passes, metric 1
      Proc.Result green = drill();
      assertEquals(0, green.exitCode(), green.stdout() + green.stderr());
      assertTrue(green.stdout().contains("restore drill passed: " + snapshot.getFileName()), green.stdout());
      assertTrue(green.stdout().contains("hash_kv") && green.stdout().contains("skipped (nothing to compare with):"
          + " none"), green.stdout());
      String prom = Files.readString(metrics.resolve("etcd_dr_drill.prom"));
      assertTrue(prom.contains("etcd_dr_drill_success 1\n"), prom);
      assertTrue(prom.contains("etcd_dr_drill_snapshot_revision " + sidecar.get("revision").asLong() + "\n"), prom);
      assertTrue(prom.matches("(?s).*etcd_dr_drill_last_run_timestamp_seconds \\d{10}\n.*"), prom);
      assertTrue(prom.matches("(?s).*etcd_dr_drill_duration_seconds \\d+\\.\\d+\n.*"), prom);
      String etcd35 = EtcdVersion.V3_5.bin("etcd").toString();
      assertTrue(prom.contains("etcd_dr_drill_etcd_info{binary=\"" + etcd35 + "\",version=\"3.5.16\","
          + "snapshot_version=\"3.5\"} 1\n"), prom);
      assertTrue(green.stdout().contains("(" + etcd35 + " on the controller; the snapshot needs 3.5 by its cluster"
          + " version)"), green.stdout());

      // 3. on a chosen host, etcd given: copy there, drill, metrics there, copy removed
      Proc.Result onHost = playbook("drill.yml", "-e", "etcd_drill_host=cp2", "-e", "etcd_dr_jar_src=" + jar(),
          "-e", "etcd_dr_store=" + controller, "-e", "etcd_drill_etcd=" + EtcdVersion.V3_5.bin("etcd"), "-e",
          "etcd_dr_install_dir=" + work.resolve("jar"));
      assertEquals(0, onHost.exitCode(), onHost.stdout() + onHost.stderr());
      Path hostVarLib = lab.state().resolve("hosts/cp2/var-lib");
      String hostProm = Files.readString(hostVarLib.resolve("node_exporter/textfile_collector/etcd_dr_drill.prom"));
      assertTrue(hostProm.contains("etcd_dr_drill_success 1\n"), hostProm);
      assertFalse(Files.exists(hostVarLib.resolve("etcd-dr/drill")), "the snapshot copy is removed from cp2");

      // 4. a host that is not in the inventory is refused, not silently skipped
      Proc.Result unknown = drill("-e", "etcd_drill_host=nosuchhost");
      assertNotEquals(0, unknown.exitCode(), unknown.stdout());
      assertTrue(unknown.stdout().contains("etcd_drill_host=nosuchhost is not a host of this inventory"),
          unknown.stdout());

      // 5. no etcd binary: a clear failure and metric 0
      Proc.Result noEtcd = drill("-e", "etcd_drill_etcd=" + work.resolve("no-etcd"));
      assertNotEquals(0, noEtcd.exitCode(), noEtcd.stdout());
      assertTrue(noEtcd.stdout().contains("FAILED") && noEtcd.stdout().contains("no-etcd")
          && noEtcd.stdout().contains("does not exist") && noEtcd.stdout().contains("(exit 11)"), noEtcd.stdout());
      assertTrue(Files.readString(metrics.resolve("etcd_dr_drill.prom")).contains("etcd_dr_drill_success 0\n"));

      // 5b. an etcd older than the snapshot (Debian's 3.4 for this 3.5 backup): refused before the restore, metric 0
      Path etcd34 = EtcdVersion.V3_4.bin("etcd");
      Proc.Result tooOld = drill("-e", "etcd_drill_etcd=" + etcd34);
      assertNotEquals(0, tooOld.exitCode(), tooOld.stdout());
      for (String part : List.of("on the controller FAILED: etcd " + EtcdVersion.V3_4.version + " at " + etcd34
          + " (from --etcd) is older than the snapshot", "needs etcd 3.5 or newer (cluster/clusterVersion 3.5.0 in"
          + " the db); nothing was restored or started", "(exit 11); etcd_drill_etcd names the etcd binary on the"
          + " controller")) {
        assertTrue(tooOld.stdout().contains(part), "'" + part + "' in: " + tooOld.stdout());
      }
      prom = Files.readString(metrics.resolve("etcd_dr_drill.prom"));
      assertTrue(prom.contains("etcd_dr_drill_success 0\n") && !prom.contains("etcd_dr_drill_etcd_info"), prom);

      // 6. the newest backup corrupted in the middle: the play fails, the metric says 0
      drill().stdout(); // back to green first, so the 0 below is this run's
      assertTrue(Files.readString(metrics.resolve("etcd_dr_drill.prom")).contains("etcd_dr_drill_success 1\n"));
      try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
        f.seek(f.length() / 2);
        int b = f.read();
        f.seek(f.length() / 2);
        f.write(b ^ 0xff);
      }
      // the newest (and only) backup no longer matches its sidecar: nothing usable, red, metric 0
      Proc.Result noneLeft = drill();
      assertNotEquals(0, noneLeft.exitCode(), noneLeft.stdout());
      assertTrue(noneLeft.stdout().contains("no usable snapshot of lab-") && noneLeft.stdout().contains(
          snapshot.getFileName().toString()), noneLeft.stdout());
      assertTrue(Files.readString(metrics.resolve("etcd_dr_drill.prom")).contains("etcd_dr_drill_success 0\n"));
      // drilled by name, the damage is found by the drill itself
      Proc.Result red = drill("-e", "etcd_dr_snapshot=" + snapshot);
      assertNotEquals(0, red.exitCode(), red.stdout());
      assertTrue(red.stdout().contains("restore drill of " + snapshot) && red.stdout().contains("FAILED")
          && red.stdout().contains("verify: sha256_trailer"), red.stdout());
      prom = Files.readString(metrics.resolve("etcd_dr_drill.prom"));
      assertTrue(prom.contains("etcd_dr_drill_success 0\n"), prom);
      try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
        assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith("etcd-dr-drill-")).toList(),
            "no scratch dir left in the controller's temp dir");
      }
    }
  }
}
