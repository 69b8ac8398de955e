package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code datadir export} on real members (etcd 3.4.23 and 3.5.16): quorum lost, the survivor's data is newer than
 * the last snapshot, and its export is a snapshot etcdutl itself accepts (SHA-256 trailer checked by etcdutl's own
 * restore), restores to every key and names the cluster etcdctl reports. Refused while etcd holds the db, on a
 * damaged db and on an empty dir, leaving nothing behind.
 */
class DatadirExportIT {
  private static final String NET = "127.0.21";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @ParameterizedTest
  @EnumSource(EtcdVersion.class)
  void the_survivors_data_is_a_snapshot_etcdutl_restores(EtcdVersion version) throws Exception {
    Path out = work.resolve("exports");
    try (EtcdCluster c = EtcdCluster.start(version, work.resolve("c"), 3, NET)) {
      EtcdCluster.Member m1 = c.member(0);
      c.putKeys("/registry/a/k", 30, 64);
      long snapshotRevision = c.revision(m1);
      c.putKeys("/registry/b/k", 20, 64);
      String clusterId = String.format("%016x", new java.math.BigInteger(JSON.readTree(c.etcdctl(m1, "endpoint",
          "status", "-w", "json").requireSuccess().stdout()).get(0).get("Status").get("header").get("cluster_id")
          .asText()));

      CliRun running = export(m1, out);
      assertEquals(7, running.exitCode(), running.toString());
      assertTrue(running.err().contains("is open in pid "), running.toString());
      assertTrue(!Files.exists(out) || list(out).isEmpty(), "nothing written: " + list(out));

      // Two of three lost; the third stopped for the copy.
      long survivorRevision = c.revision(m1);
      c.stopMember(c.member(1));
      c.stopMember(c.member(2));
      c.stopMember(m1);
      CliRun r = export(m1, out);
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode sidecar = JSON.readTree(r.out());
      Path file = out.resolve(sidecar.get("file").asText());
      assertEquals(survivorRevision, sidecar.get("revision").asLong());
      assertTrue(survivorRevision > snapshotRevision);
      assertTrue(file.getFileName().toString().startsWith("etcd-" + clusterId + "-"), file.toString());
      assertTrue(file.getFileName().toString().endsWith("-r" + survivorRevision + "-m1.db"), file.toString());
      assertEquals(clusterId, JSON.readTree(Files.readString(Path.of(file + ".json"))).get("cluster_id").asText());

      // etcdutl checks the trailer itself (no --skip-hash-check), and the restored member serves every key.
      Path restored = work.resolve("restored");
      Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot", "restore", file.toString(),
          "--data-dir", restored.toString(), "--name", "r1", "--initial-cluster", "r1=http://127.0.21.90:2380",
          "--initial-advertise-peer-urls", "http://127.0.21.90:2380")).requireSuccess();
      Process etcd = new ProcessBuilder(EtcdVersion.V3_5.bin("etcd").toString(), "--name", "r1", "--data-dir",
          restored.toString(), "--listen-client-urls", "http://127.0.21.90:2379", "--advertise-client-urls",
          "http://127.0.21.90:2379", "--listen-peer-urls", "http://127.0.21.90:2380",
          "--initial-advertise-peer-urls", "http://127.0.21.90:2380", "--initial-cluster",
          "r1=http://127.0.21.90:2380").redirectErrorStream(true).redirectOutput(work.resolve("r1.log").toFile())
          .start();
      try {
        assertEquals("50", countWhenUp("http://127.0.21.90:2379", "/registry/"));
      } finally {
        etcd.destroy();
        etcd.waitFor();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = EtcdVersion.class, names = "V3_5")
  void a_damaged_db_or_an_empty_dir_is_refused_and_nothing_is_left(EtcdVersion version) throws Exception {
    Path out = work.resolve("exports");
    Path empty = Files.createDirectories(work.resolve("empty"));
    CliRun none = CliRun.of("datadir", "export", "--data-dir", empty.toString(), "--name", "x", "--dir",
        out.toString());
    assertEquals(8, none.exitCode(), none.toString());
    try (EtcdCluster c = EtcdCluster.start(version, work.resolve("d"), 1, NET)) {
      EtcdCluster.Member m = c.member(0);
      c.putKeys("/registry/k", 5, 64);
      c.stopMember(m);
      Path db = m.dataDir().resolve("member/snap/db");
      try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
        f.setLength(4096 * 3); // the meta pages name pages past the end now
      }
      CliRun damaged = export(m, out);
      assertEquals(6, damaged.exitCode(), damaged.toString());
      assertTrue(list(out).isEmpty(), "nothing left: " + list(out));
    }
  }

  private static CliRun export(EtcdCluster.Member m, Path out) {
    return CliRun.of("datadir", "export", "--manifest", m.manifest().toString(), "--dir", out.toString(), "-o",
        "json");
  }

  private static String countWhenUp(String endpoint, String prefix) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Proc.Result r = null;
    while (System.nanoTime() < deadline) {
      r = Proc.run(List.of(EtcdVersion.V3_5.bin("etcdctl").toString(), "--endpoints", endpoint, "get", prefix,
          "--prefix", "--count-only", "-w", "fields"), java.util.Map.of("ETCDCTL_API", "3"), null, 20);
      if (r.exitCode() == 0) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"Count\" : (\\d+)").matcher(r.stdout());
        if (m.find()) {
          return m.group(1);
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError("restored etcd did not answer: " + r);
  }

  private static List<String> list(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
