package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.S3Server;
import dev.etcddr.testing.SftpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Backups at rest on the lab: backup.yml packs on the host (zstd, then age to a recipient made by the Debian
 * age-keygen) and stores the set in the controller dir, an OpenSSH sftp store and an S3 server (S3Proxy);
 * restore.yml and drill.yml then work from the S3 store alone, the controller's copy gone. The age and zstd tools
 * are the reference for what is stored; etcdutl for the snapshot inside.
 */
class BackupsAtRestIT extends RestoreLabBase {
  private static final String NET = "127.0.28";
  private static final Pattern SNAPSHOT_PUT = Pattern.compile("PUT [^ ]*\\.db\\.zst\\.age[ ?]");

  private S3Server s3;
  private SftpServer sftp;
  private Path key;
  private String recipient;

  private List<String> stores(String endpoint) {
    return List.of("-e", "etcd_dr_sftp_store=" + sftp.url(work.resolve("sftp-store")),
        "-e", "etcd_dr_sftp_identity=" + sftp.identity(), "-e", "etcd_dr_sftp_known_hosts=" + sftp.knownHosts(),
        "-e", "etcd_dr_s3_store=" + s3.url("clusters"), "-e", "etcd_dr_s3_endpoint=" + endpoint,
        "-e", "etcd_dr_s3_path_style=true", "-e", "etcd_dr_s3_credentials=" + s3.credentials(),
        "-e", "etcd_dr_zstd=true", "-e", "{\"etcd_dr_age_recipients\": [\"" + recipient + "\"]}");
  }

  private Proc.Result backup(String endpoint) {
    List<String> args = new ArrayList<>(stores(endpoint));
    args.addAll(LabPlays.OWN_JAR);
    return play("playbooks/backup.yml", args.toArray(String[]::new));
  }

  private static final String ARCHIVE_CHECK = "java -Xshare:on -Xlog:disable -XX:ErrorFile=/dev/null"
      + " -XX:SharedArchiveFile=/var/lib/etcd-dr/jar/etcd-dr.jsa -jar /var/lib/etcd-dr/jar/etcd-dr.jar --version";

  private void assertArchivesMap() {
    for (String h : HOSTS) {
      Proc.Result r = lab.ssh(h, ARCHIVE_CHECK);
      assertEquals(0, r.exitCode(), h + ": the class-data archive maps: " + r.stdout() + r.stderr());
    }
  }

  private static List<String> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("etcd-")).sorted().toList();
    }
  }

  private List<String> s3Files() throws Exception {
    return files(s3.objectFile("clusters/" + plays.clusterName()));
  }

  @Test
  void packed_backups_in_three_stores_restore_and_drill_from_s3_alone() throws Exception {
    key = work.resolve("age.key");
    Proc.run(List.of("age-keygen", "-o", key.toString())).requireSuccess();
    recipient = Proc.run(List.of("age-keygen", "-y", key.toString())).requireSuccess().stdout().trim();
    String secretKey = Files.readAllLines(key).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-")).findFirst()
        .orElseThrow();
    controller = work.resolve("backups");
    lab = new Lab(work.resolve("lab"), NET);
    plays = new LabPlays(lab, controller);
    try (S3Server s3Server = S3Server.start(work.resolve("s3"));
         SftpServer sftpServer = SftpServer.start(work.resolve("sshd")); Lab l = lab;
         SecretWatch watch = new SecretWatch(List.of(S3Server.SECRET_KEY, S3Server.ACCESS_KEY, secretKey))) {
      s3 = s3Server;
      sftp = sftpServer;
      assertEquals(0, lab.up("--etcd", "3.5").exitCode());
      etcd = new LabEtcd(lab, 3);
      lab.run("seed", "--count", "200").requireSuccess();
      Map<String, String> inSnapshot = LabPlays.withoutStandIns(etcd.keys("/"));

      // 1. one packed set, the same in all three stores; what leaves the hosts is encrypted
      Proc.Result first = backup(s3.endpoint());
      assertEquals(0, first.exitCode(), first.stdout() + first.stderr());
      Path cluster = plays.clusterStore();
      List<String> stored = files(cluster);
      String packed = stored.stream().filter(n -> n.endsWith(".db.zst.age")).findFirst().orElseThrow(
          () -> new AssertionError("no packed snapshot in " + stored));
      List<String> set = Stream.of("", ".bundle.tar.gz.age", ".bundle.cp1.tar.gz.age", ".bundle.cp2.tar.gz.age",
          ".bundle.cp3.tar.gz.age", ".json").map(s -> packed + s).sorted().toList();
      assertEquals(set, stored);
      assertEquals(set, files(work.resolve("sftp-store").resolve(plays.clusterName())));
      assertEquals(set, s3Files());
      assertTrue(s3.rclone("lsf", ":s3:" + S3Server.BUCKET + "/clusters/" + plays.clusterName()).requireSuccess()
          .stdout().lines().sorted().toList().equals(set), "rclone lists the same set");
      JsonNode sidecar = json.readTree(cluster.resolve(packed + ".json").toFile());
      assertEquals(List.of(recipient), List.of(sidecar.at("/packing/recipients/0").asText()));
      for (String name : set) {
        if (name.endsWith(".age")) {
          assertTrue(Files.readString(cluster.resolve(name), StandardCharsets.ISO_8859_1)
              .startsWith("age-encryption.org/v1\n"), name + " is an age file");
        }
      }
      List<String> fetches = Stream.of(first.stdout().split("\nTASK \\["))
          .filter(t -> t.startsWith("etcd_backup : Fetch the snapshot")).toList();
      assertEquals(1, fetches.size(), first.stdout());
      for (String task : fetches) {
        assertTrue(task.lines().skip(1).filter(x -> x.contains("changed:") || x.contains("ok:"))
            .allMatch(x -> x.contains(".age)") || x.contains(".age.json)")), "only packed files were fetched: " + task);
      }
      for (String h : HOSTS) {
        assertEquals("", lab.ssh(h, "ls -A /var/lib/etcd-dr/outgoing").stdout().trim(), "nothing left on " + h);
      }
      // the Debian tools alone open it: age -d, then zstd -d; etcdutl reads the result
      Path raw = work.resolve("opened.db");
      Proc.run(List.of("bash", "-c", "age -d -i \"$1\" \"$2\" | zstd -d -q -o \"$3\"", "_", key.toString(),
          cluster.resolve(packed).toString(), raw.toString())).requireSuccess();
      assertEquals(sidecar.at("/packing/raw_sha256").asText(), Proc.run(List.of("sha256sum", raw.toString()))
          .requireSuccess().stdout().substring(0, 64));
      JsonNode status = json.readTree(Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot",
          "status", raw.toString(), "-w", "json")).requireSuccess().stdout());
      assertEquals(sidecar.get("revision").asLong(), status.get("revision").asLong());
      String cert = Proc.run(List.of("bash", "-c", "age -d -i \"$1\" \"$2\" | tar -xzO etc/kubernetes/pki/etcd/server.crt",
          "_", key.toString(), cluster.resolve(packed + ".bundle.cp2.tar.gz.age").toString())).requireSuccess().stdout();
      assertEquals(Files.readString(lab.hostPath("cp2", "etc-kubernetes/pki/etcd/server.crt")), cert);
      // credentials: not in the play's output, nor in the sidecar (and SecretWatch saw no command line with them)
      String sidecarText = Files.readString(cluster.resolve(packed + ".json"));
      for (String secret : List.of(S3Server.SECRET_KEY, S3Server.ACCESS_KEY, secretKey)) {
        assertTrue(!first.stdout().contains(secret) && !first.stderr().contains(secret) && !sidecarText.contains(secret));
      }

      // the jar role left each host a class-data archive that this JVM maps (-Xshare:on refuses rather than runs
      // without it). Now a power cut left cp1's half-written and cp2's jar was replaced after it was made: the next
      // runs start the jar without them and the role makes good ones again.
      assertArchivesMap();
      Path torn = lab.hostPath("cp1", "var-lib/etcd-dr/jar/etcd-dr.jsa");
      byte[] whole = Files.readAllBytes(torn);
      Files.delete(torn);
      Files.write(torn, java.util.Arrays.copyOf(whole, whole.length / 2));
      Files.setLastModifiedTime(lab.hostPath("cp2", "var-lib/etcd-dr/jar/etcd-dr.jar"),
          java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
      for (String h : List.of("cp1", "cp2")) {
        assertNotEquals(0, lab.ssh(h, ARCHIVE_CHECK).exitCode(), h + "'s archive is refused now");
      }

      // 2. the S3 server stops in the middle of the snapshot's upload: the play fails, says so, and the metric
      // says so; nothing under the final name, the earlier set intact in every store; the next run succeeds
      Thread.sleep(1100);
      List<String> sftpBefore = files(work.resolve("sftp-store").resolve(plays.clusterName()));
      Map<String, String> s3Before = new java.util.TreeMap<>();
      for (String n : s3Files()) {
        s3Before.put(n, Files.readString(s3.objectFile("clusters/" + plays.clusterName() + "/" + n),
            StandardCharsets.ISO_8859_1));
      }
      try (KillingProxy proxy = new KillingProxy(s3)) {
        Proc.Result cut = backup(proxy.endpoint());
        assertNotEquals(0, cut.exitCode(), cut.stdout());
        assertTrue(proxy.killed.get(), "the server was killed mid-upload");
        assertTrue(cut.stdout().contains("etcd backup FAILED") && cut.stdout().contains("Keep it in the S3 store"),
            cut.stdout());
        assertTrue(Files.readString(lab.hostPath("cp1",
            "var-lib/node_exporter/textfile_collector/etcd_dr_backup_attempt.prom"))
            .contains("etcd_dr_backup_last_result 0"));
      }
      s3.restart();
      Map<String, String> s3After = new java.util.TreeMap<>();
      for (String n : s3Files()) {
        s3After.put(n, Files.readString(s3.objectFile("clusters/" + plays.clusterName() + "/" + n),
            StandardCharsets.ISO_8859_1));
      }
      s3Before.forEach((n, v) -> assertEquals(v, s3After.get(n), n + " intact"));
      assertEquals(List.of(), s3After.keySet().stream().filter(n -> !s3Before.containsKey(n)
          && (n.endsWith(".db.zst.age") || n.endsWith(".json"))).toList(),
          "no snapshot or sidecar of the cut run under a final name: " + s3After.keySet());
      assertTrue(files(work.resolve("sftp-store").resolve(plays.clusterName())).size() >= sftpBefore.size());
      Thread.sleep(1100);
      Proc.Result again = backup(s3.endpoint());
      assertEquals(0, again.exitCode(), again.stdout() + again.stderr());
      assertEquals(2, s3Files().stream().filter(n -> n.endsWith(".json")).count(), "the first and this one (the cut run stored none): " + s3Files());
      assertArchivesMap();

      // 3. the controller's store is gone; the keys are damaged; restore.yml from S3 alone brings every key back
      damage(inSnapshot);
      inSnapshot = LabPlays.withoutStandIns(etcd.keys("/"));
      Thread.sleep(1100);
      Proc.Result third = backup(s3.endpoint());
      assertEquals(0, third.exitCode(), third.stdout() + third.stderr());
      for (int i = 0; i < 5; i++) {
        etcd.etcdctl("del", inSnapshot.keySet().stream().skip(i * 7L).findFirst().orElseThrow()).requireSuccess();
      }
      assertNotEquals(inSnapshot, LabPlays.withoutStandIns(etcd.keys("/")));
      Proc.run(List.of("rm", "-rf", cluster.toString())).requireSuccess();
      List<String> fromS3 = new ArrayList<>(stores(s3.endpoint()));
      fromS3.addAll(List.of("-e", "etcd_dr_source_store=s3", "-e", "etcd_dr_age_identity=" + key));
      fromS3.addAll(LabPlays.OWN_JAR);
      Proc.Result restored = restore(fromS3.toArray(String[]::new));
      assertEquals(0, restored.exitCode(), restored.stdout() + restored.stderr());
      assertTrue(restored.stdout().contains("pulled from s3://"), restored.stdout());
      assertEquals(inSnapshot, LabPlays.withoutStandIns(etcd.keys("/")), "every key back");
      assertApiserversServe();
      assertEquals(List.of(), files(cluster.resolve(".opened")), "no opened copy left on the controller");
      for (String secret : List.of(S3Server.SECRET_KEY, secretKey)) {
        assertTrue(!restored.stdout().contains(secret) && !restored.stderr().contains(secret));
      }

      // 4. drill.yml from S3 alone (controller copy gone again), green; with a wrong identity, red and clear
      Proc.run(List.of("rm", "-rf", cluster.toString())).requireSuccess();
      List<String> drill = new ArrayList<>(fromS3);
      drill.addAll(List.of("-e", "etcd_drill_etcd=" + EtcdVersion.V3_5.bin("etcd")));
      Proc.Result drilled = play("playbooks/drill.yml", drill.toArray(String[]::new));
      assertEquals(0, drilled.exitCode(), drilled.stdout() + drilled.stderr());
      Path otherKey = work.resolve("other.key");
      Proc.run(List.of("age-keygen", "-o", otherKey.toString())).requireSuccess();
      drill.addAll(List.of("-e", "etcd_dr_age_identity=" + otherKey));
      Proc.Result wrong = play("playbooks/drill.yml", drill.toArray(String[]::new));
      assertNotEquals(0, wrong.exitCode(), wrong.stdout());
      assertTrue(wrong.stdout().contains("no identity matches any of the file's 1 recipient stanza"), wrong.stdout());
      assertEquals(List.of(), watch.seen(), "a secret on a command line");
    }
  }

  /** Reads every process's command line while it is open: a secret in one of them is recorded. */
  private static final class SecretWatch implements AutoCloseable {
    private final List<String> secrets;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    SecretWatch(List<String> secrets) {
      this.secrets = secrets;
      thread = new Thread(this::watch, "secret-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void watch() {
      while (running.get()) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
          procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).forEach(p -> {
            try {
              String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
              secrets.stream().filter(cmd::contains).forEach(x -> seen.add(p + ": " + cmd.replace('\0', ' ')));
            } catch (IOException gone) {
              // the process ended between the listing and the read
            }
          });
          Thread.sleep(20);
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    }

    List<String> seen() {
      return List.copyOf(seen);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(2000);
    }
  }

  /**
   * Stands between the jar and the S3 server: passes bytes both ways until a request line PUTs the snapshot
   * object, then SIGKILLs the server (by its PID) and cuts the connection: the server is gone mid-upload.
   */
  private static final class KillingProxy implements AutoCloseable {
    final AtomicBoolean killed = new AtomicBoolean();
    private final S3Server server;
    private final ServerSocket socket;

    KillingProxy(S3Server server) throws IOException {
      this.server = server;
      socket = new ServerSocket(0, 50, InetAddress.getByName(S3Server.ADDRESS));
      Thread t = new Thread(this::accept, "killing-proxy");
      t.setDaemon(true);
      t.start();
    }

    String endpoint() {
      return "http://" + S3Server.ADDRESS + ":" + socket.getLocalPort();
    }

    private void accept() {
      java.net.URI target = java.net.URI.create(server.endpoint());
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          if (killed.get()) {
            client.close();
            continue;
          }
          Socket upstream = new Socket(target.getHost(), target.getPort());
          pump(upstream.getInputStream(), client.getOutputStream(), null, client, upstream);
          pump(client.getInputStream(), upstream.getOutputStream(), new StringBuilder(), client, upstream);
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(InputStream in, OutputStream out, StringBuilder seen, Socket a, Socket b) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[8192];
        try (a; b) {
          for (int n; (n = in.read(buf)) > 0; ) {
            if (seen != null) {
              seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
              if (seen.length() > 4096) {
                seen.delete(0, seen.length() - 4096);
              }
              if (SNAPSHOT_PUT.matcher(seen).find() && killed.compareAndSet(false, true)) {
                server.kill();
                return;
              }
            }
            out.write(buf, 0, n);
          }
        } catch (IOException | InterruptedException e) {
          // the other side closed, or the cut
        }
      }, "killing-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
