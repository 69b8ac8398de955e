package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.Repo;
import dev.etcddr.testing.SftpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ansible-playbook playbooks/backup.yml` on the lab: real ansible, sshd, etcd, and an OpenSSH sftp store. */
class BackupPlaybookIT {
  private static final String NET = "127.0.7";
  private static final String CLUSTER = "lab-127-0-7";

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();
  /** The store roots, and this lab's cluster folder in each (backups go to <root>/<cluster name>/). */
  private Path storeRoot;
  private Path sftpRoot;
  private Path controller;
  private Path sftpDir;
  private SftpServer sftp;
  private Lab lab;

  private Proc.Result play(String... extra) {
    List<String> argv = new ArrayList<>(List.of("ansible-playbook", "-i", lab.inventory().toString(),
        Repo.root().resolve("playbooks/backup.yml").toString(),
        "-e", "etcd_dr_jar_src=" + Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar")).toAbsolutePath(),
        "-e", "etcd_dr_store=" + storeRoot, "-e", "etcd_backup_keep_last=2",
        "-e", "etcd_dr_sftp_store=" + sftp.url(sftpRoot), "-e", "etcd_dr_sftp_identity=" + sftp.identity(),
        "-e", "etcd_dr_sftp_known_hosts=" + sftp.knownHosts(), "-e", "etcd_backup_timeout=5s"));
    argv.addAll(List.of(extra));
    return Proc.run(argv, Map.of("ANSIBLE_HOST_KEY_CHECKING", "True", "ANSIBLE_NOCOLOR", "1"), null, 600);
  }

  private static List<String> files(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("etcd-")).sorted().toList();
    }
  }

  private String metric(String host, String file) throws Exception {
    return Files.readString(lab.state().resolve("hosts/" + host
        + "/var-lib/node_exporter/textfile_collector/" + file));
  }

  @Test
  void backups_are_verified_stored_pruned_and_fail_cleanly() throws Exception {
    storeRoot = work.resolve("controller-store");
    sftpRoot = work.resolve("sftp-store");
    controller = storeRoot.resolve(CLUSTER);
    sftpDir = sftpRoot.resolve(CLUSTER);
    lab = new Lab(work.resolve("lab"), NET);
    try (SftpServer server = SftpServer.start(work.resolve("sshd")); Lab l = lab) {
      sftp = server;
      assertEquals(0, lab.up("--etcd", "3.5").exitCode());
      lab.run("seed", "--count", "100").requireSuccess();

      // 1. one verified backup in both stores; etcdutl agrees with the sidecar
      Proc.Result first = play();
      assertEquals(0, first.exitCode(), first.stdout() + first.stderr());
      List<String> stored = files(controller);
      assertEquals(6, stored.size(), "snapshot, bundle, each host's own bundle, sidecar: " + stored);
      assertEquals(stored, files(sftpDir));
      Path snapshot = controller.resolve(stored.get(0));
      JsonNode sidecar = json.readTree(controller.resolve(stored.get(0) + ".json").toFile());
      Path bundle = controller.resolve(sidecar.get("bundle").asText());
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(bundle)));
      assertEquals("/etc/kubernetes/enc/encryption-config.yaml", sidecar.get("encryption_config").asText());
      String listing = Proc.run(List.of("tar", "-tzf", bundle.toString())).requireSuccess().stdout();
      for (String entry : List.of("etc/kubernetes/pki/etcd/ca.crt", "etc/kubernetes/pki/apiserver-etcd-client.key",
          "etc/kubernetes/manifests/etcd.yaml", "etc/kubernetes/manifests/kube-apiserver.yaml",
          "etc/kubernetes/enc/encryption-config.yaml")) {
        assertTrue(listing.contains(entry + "\n"), entry + " in the bundle: " + listing);
      }
      // each host's own bundle holds that host's own serving certificate, as GNU tar extracts it
      List<String> serverCerts = new ArrayList<>();
      for (String h : List.of("cp1", "cp2", "cp3")) {
        Path own = controller.resolve(stored.get(0) + ".bundle." + h + ".tar.gz");
        assertEquals(h, sidecar.at("/host_bundles/" + serverCerts.size() + "/host").asText());
        String cert = Proc.run(List.of("tar", "-xzOf", own.toString(), "etc/kubernetes/pki/etcd/server.crt"))
            .requireSuccess().stdout();
        assertEquals(Files.readString(lab.hostPath(h, "etc-kubernetes/pki/etcd/server.crt")), cert, h);
        serverCerts.add(cert);
      }
      assertEquals(3, serverCerts.stream().distinct().count(), "three hosts, three serving certificates");
      JsonNode status = json.readTree(Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot",
          "status", snapshot.toString(), "-w", "json")).requireSuccess().stdout());
      assertEquals(sidecar.get("revision").asLong(), status.get("revision").asLong());
      assertTrue(metric("cp1", "etcd_dr_backup_attempt.prom").contains("etcd_dr_backup_last_result 1"));
      assertTrue(metric("cp2", "etcd_dr_backup.prom").contains("etcd_dr_backup_verified 1"));

      // 2. four runs, keep-last 2: exactly the two newest remain in each store
      List<String> names = new ArrayList<>(List.of(stored.get(0)));
      for (int i = 0; i < 3; i++) {
        Thread.sleep(1100); // names carry the second
        Proc.Result r = play();
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        names.add(files(controller).stream().filter(n -> n.endsWith(".db")).max(String::compareTo).orElseThrow());
      }
      List<String> newest = names.subList(names.size() - 2, names.size());
      List<String> expected = newest.stream().flatMap(BackupPlaybookIT::setOf).sorted().toList();
      assertEquals(expected, newestSets(files(controller)));
      assertEquals(expected, files(controller));
      assertEquals(expected, files(sftpDir));

      // 6. check mode: nothing created anywhere
      Proc.Result check = play("--check");
      assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
      assertEquals(expected, files(controller));
      assertEquals(expected, files(sftpDir));

      // the schedule: a cron entry on the controller that runs this play with this run's variables
      // the schedule: a cron entry named by the cluster, its variables and log in the cluster's folder
      Path vars = controller.resolve("schedule/backup-vars.yml");
      Path log = controller.resolve("schedule/backup.log");
      String[] schedule = {};
      try {
        Proc.Result install = play(Stream.concat(Stream.of("-e", "{\"etcd_backup_schedule\": \"17 3 * * *\"}"),
            Stream.of(schedule)).toArray(String[]::new));
        assertEquals(0, install.exitCode(), install.stdout() + install.stderr());
        String crontab = Proc.run(List.of("crontab", "-l")).requireSuccess().stdout();
        String line = crontab.lines().filter(c -> c.startsWith("17 3 * * *")).findFirst().orElseThrow(
            () -> new AssertionError("no cron entry: " + crontab));
        assertTrue(crontab.contains("#Ansible: etcd-dr backup " + CLUSTER), crontab);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(vars)));
        Thread.sleep(1100);
        String before = files(controller).stream().filter(n -> n.endsWith(".db")).max(String::compareTo)
            .orElseThrow();
        Proc.Result scheduled = Proc.run(List.of("bash", "-c", line.substring("17 3 * * * ".length())),
            Map.of(), null, 600);
        assertEquals(0, scheduled.exitCode(), "the scheduled command runs the backup: "
            + Files.readString(log));
        String after = files(controller).stream().filter(n -> n.endsWith(".db")).max(String::compareTo)
            .orElseThrow();
        assertNotEquals(before, after, "the scheduled run stored a new backup");
        Proc.Result remove = play(Stream.concat(Stream.of("-e", "etcd_backup_schedule=off"), Stream.of(schedule))
            .toArray(String[]::new));
        assertEquals(0, remove.exitCode(), remove.stdout() + remove.stderr());
        assertTrue(!Proc.run(List.of("crontab", "-l")).stdout().contains("etcd-dr backup"), "entry removed");
      } finally {
        Proc.run(List.of("bash", "-c", "crontab -l 2>/dev/null | grep -v -e '#Ansible: etcd-dr backup' "
            + "-e 'etcd-dr-backup\\|backup.yml -e @' | crontab -"));
      }
      expected = newestSets(files(controller));
      assertEquals(expected, files(sftpDir));

      // 3. etcd stopped on the would-be source member: the backup comes from another, and says which
      for (String h : List.of("cp1", "cp2", "cp3")) {
        lab.ssh(h, "mkdir -p /etc/kubernetes/held && cp /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/held/")
            .requireSuccess();
      }
      lab.ssh("cp1", "mv /etc/kubernetes/manifests/etcd.yaml /root/etcd.yaml.cp1").requireSuccess();
      Thread.sleep(2000);
      Proc.Result failover = play("-e", "etcd_backup_manifest=/etc/kubernetes/held/etcd.yaml");
      assertEquals(0, failover.exitCode(), failover.stdout() + failover.stderr());
      assertTrue(failover.stdout().matches("(?s).*from member cp[23] at https://" + NET.replace(".", "\\.")
          + "\\.[23]:2379.*"), failover.stdout());

      // 4. etcd stopped everywhere: a clear failure, metrics say so, earlier backups intact, nothing partial
      List<String> before = files(controller);
      List<String> beforeSftp = files(sftpDir);
      lab.ssh("cp2", "mv /etc/kubernetes/manifests/etcd.yaml /root/etcd.yaml.cp2").requireSuccess();
      lab.ssh("cp3", "mv /etc/kubernetes/manifests/etcd.yaml /root/etcd.yaml.cp3").requireSuccess();
      Thread.sleep(2000);
      Proc.Result down = play("-e", "etcd_backup_manifest=/etc/kubernetes/held/etcd.yaml");
      assertNotEquals(0, down.exitCode());
      assertTrue(down.stdout().contains("etcd backup FAILED") && down.stdout().contains("no healthy etcd member"),
          down.stdout());
      assertTrue(metric("cp1", "etcd_dr_backup_attempt.prom").contains("etcd_dr_backup_last_result 0"));
      assertEquals(before, files(controller));
      assertEquals(beforeSftp, files(sftpDir));
      assertEquals("", lab.ssh("cp1", "ls -A /var/lib/etcd-dr/outgoing").stdout().trim());
      for (String h : List.of("cp1", "cp2", "cp3")) {
        lab.ssh(h, "mv /root/etcd.yaml." + h + " /etc/kubernetes/manifests/etcd.yaml").requireSuccess();
      }
      assertEquals(0, lab.run("status").exitCode() == 0 ? 0 : waitHealthy());

      // a second run while a live one holds the lock (its holder is this test's own process): refused, by name
      Path lock = lab.state().resolve("hosts/cp2/etc-kubernetes/etcd-dr-restores/backup-lock");
      Files.createDirectories(lock);
      Files.writeString(lock.resolve("holder.json"), holder("backup-live", ProcessHandle.current().pid()));
      List<String> lockedBefore = files(controller);
      Proc.Result locked = play();
      assertNotEquals(0, locked.exitCode());
      assertTrue(locked.stdout().contains("another backup of " + CLUSTER + " holds")
          && locked.stdout().contains("backup backup-live, ansible-playbook pid " + ProcessHandle.current().pid()),
          locked.stdout());
      assertTrue(Files.isRegularFile(lock.resolve("holder.json")), "a live run's lock is left alone");
      assertEquals(lockedBefore, files(controller));
      for (String h : List.of("cp1", "cp3")) {
        assertTrue(!Files.exists(lab.state().resolve("hosts/" + h + "/etc-kubernetes/etcd-dr-restores/backup-lock")),
            "the refused run gave back the lock it took on " + h);
      }

      // the same lock once its owner is gone (a killed run: that PID has exited): taken over, with its name
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      Files.writeString(lock.resolve("holder.json"), holder("backup-killed", gone.pid()));
      Proc.Result takenOver = play();
      assertEquals(0, takenOver.exitCode(), takenOver.stdout() + takenOver.stderr());
      assertTrue(takenOver.stdout().contains("was left by backup backup-killed (ansible-playbook pid " + gone.pid())
          && takenOver.stdout().contains("which is gone"), takenOver.stdout());
      assertTrue(!Files.exists(lock), "the lock is released after the run");
      beforeSftp = files(sftpDir);

      // 5. the SFTP server's host key changed: refused, nothing uploaded there
      server.changeHostKey();
      Proc.Result hostKey = play();
      assertNotEquals(0, hostKey.exitCode());
      assertTrue(hostKey.stdout().contains("has CHANGED since it was recorded"), hostKey.stdout());
      assertEquals(beforeSftp, files(sftpDir));

      // the role passes ansible-lint's production profile
      Proc.Result lint = Proc.run(List.of("ansible-lint", "playbooks/"), Map.of(), Repo.root(), 300);
      assertEquals(0, lint.exitCode(), lint.stdout() + lint.stderr());
    }
  }

  /** A holder.json as the roles write it, for a run of this controller with the given PID. */
  private static String holder(String id, long pid) throws Exception {
    String stat = Files.exists(Path.of("/proc/" + pid + "/stat")) ? Files.readString(Path.of("/proc/" + pid + "/stat")) : "";
    String start = stat.isEmpty() ? "1" : stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19];
    String host = Proc.run(List.of("hostname")).requireSuccess().stdout().trim();
    return "{\n    \"controller\": \"" + host + "\",\n    \"id\": \"" + id + "\",\n    \"pid\": \"" + pid
        + "\",\n    \"pid_start\": \"" + start + "\",\n    \"started\": \"2026-12-01T00:00:00Z\"\n}\n";
  }

  /** The two newest snapshot sets among the files, as the store must hold after keep-last 2. */
  private static List<String> newestSets(List<String> files) {
    List<String> dbs = files.stream().filter(n -> n.endsWith(".db")).sorted().toList();
    return dbs.subList(Math.max(0, dbs.size() - 2), dbs.size()).stream().flatMap(BackupPlaybookIT::setOf).sorted()
        .toList();
  }

  /** A snapshot's set as backup.yml stores it: the snapshot, its bundle, each host's own bundle, its sidecar. */
  private static Stream<String> setOf(String n) {
    return Stream.of(n, n + ".bundle.tar.gz", n + ".bundle.cp1.tar.gz", n + ".bundle.cp2.tar.gz",
        n + ".bundle.cp3.tar.gz", n + ".json");
  }

  private int waitHealthy() throws Exception {
    for (int i = 0; i < 60; i++) {
      if (lab.run("status").exitCode() == 0) {
        return 0;
      }
      Thread.sleep(500);
    }
    return 1;
  }
}
