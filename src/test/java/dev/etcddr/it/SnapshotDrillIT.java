package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdDb;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot drill} on snapshots `snapshot save` took from a real etcd (sidecar with hash_kv), with a real
 * etcd binary: a good one passes every check, a damaged one and a lying sidecar fail (exit 6), an etcd older than
 * the snapshot is refused before anything is written (exit 11), and no etcd process or scratch dir is ever left
 * behind. Addresses 127.0.11.x only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnapshotDrillIT {
  private static final String NET = "127.0.11";

  @TempDir
  static Path work;

  private final ObjectMapper json = new ObjectMapper();
  private EtcdCluster cluster;
  private Path snapshot;
  private Path scratch;

  @BeforeAll
  void saveSnapshot() throws IOException {
    cluster = EtcdCluster.start(EtcdVersion.V3_5, work.resolve("cluster"), 1, NET);
    snapshot = seedAndSave(cluster, work.resolve("saved-35"));
  }

  /** Keys in two groups, deletes and a compaction (HashKV covers only what compaction kept), then a save. */
  private Path seedAndSave(EtcdCluster c, Path dir) throws IOException {
    EtcdCluster.Member m = c.member(0);
    c.putKeys("/registry/configmaps/default/cm-", 30, 2_000);
    c.putKeys("/registry/pods/default/p-", 12, 100);
    for (int i = 0; i < 4; i++) {
      c.etcdctl(m, "del", "/registry/pods/default/p-" + i).requireSuccess();
    }
    c.etcdctl(m, "put", "/other/key", "x").requireSuccess();
    c.etcdctl(m, "compaction", String.valueOf(c.revision(m) - 3)).requireSuccess();
    c.etcdctl(m, "put", "/registry/health", "ok").requireSuccess();
    Files.createDirectories(dir);
    CliRun r = CliRun.of("snapshot", "save", "--manifest", m.manifest().toString(), "--dir", dir.toString(),
        "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode sidecar = json.readTree(r.out());
    assertTrue(sidecar.get("hash_kv").canConvertToLong(), "save records hash_kv: " + r.out());
    return dir.resolve(sidecar.get("file").asText());
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void nothingLeftBehind() throws IOException {
    if (scratch == null) {
      return;
    }
    try (Stream<Path> s = Files.list(scratch)) {
      assertEquals(List.of(), s.toList(), "the scratch dir is removed");
    }
    List<String> etcds = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(scratch.toString())).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
    assertEquals(List.of(), etcds, "no etcd of the drill still runs");
  }

  private CliRun drill(Path file, EtcdVersion version, String... extra) throws IOException {
    scratch = Files.createTempDirectory(work, "work-");
    List<String> args = new ArrayList<>(List.of("snapshot", "drill", file.toString(), "--etcd",
        version.bin("etcd").toString(), "--work-dir", scratch.toString(), "--timeout", "30s", "-o", "json"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private static Map<String, String> results(JsonNode report) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    report.get("checks").forEach(c -> m.put(c.get("name").asText(), c.get("result").asText()));
    return m;
  }

  private Path copy(String name) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    Path to = dir.resolve(snapshot.getFileName());
    Files.copy(snapshot, to);
    Files.copy(snapshot.resolveSibling(snapshot.getFileName() + ".json"), to.resolveSibling(to.getFileName()
        + ".json"));
    return to;
  }

  @Test
  void a_packed_snapshot_drills_with_its_identity_and_files_the_tools_packed_read_as_the_raw_one() throws
      IOException {
    Path set = copy("packed");
    Path key = set.resolveSibling("controller.key");
    Proc.run(List.of("age-keygen", "-o", key.toString())).requireSuccess();
    String recipient = Proc.run(List.of("age-keygen", "-y", key.toString())).requireSuccess().stdout().strip();
    CliRun pack = CliRun.of("snapshot", "pack", set.toString(), "--zstd", "--age-recipient", recipient);
    assertEquals(0, pack.exitCode(), pack.toString());
    Path packed = set.resolveSibling(set.getFileName() + ".zst.age");

    CliRun r = drill(packed, EtcdVersion.V3_5, "--age-identity", key.toString());
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode report = json.readTree(r.out());
    for (String check : List.of("unpack", "verify", "sidecar", "restore", "etcd_start", "revision", "key_counts",
        "hash_kv", "cleanup")) {
      assertEquals("pass", results(report).get(check), check + ": " + r.out());
    }
    assertEquals(packed.toString(), report.get("snapshot").asText());
    CliRun noKey = drill(packed, EtcdVersion.V3_5);
    assertEquals(15, noKey.exitCode(), noKey.toString());
    assertTrue(noKey.err().contains("--age-identity"), noKey.err());

    // Packed by Debian's zstd and age rather than by the jar, with no sidecar: status reads the real etcd snapshot
    // through them to the very numbers of the raw file.
    Path tools = Files.createDirectories(work.resolve("tools"));
    Path byTools = tools.resolve(snapshot.getFileName() + ".zst.age");
    Proc.Result made = Proc.run(List.of("bash", "-o", "pipefail", "-c", "zstd -q -c " + snapshot + " | age -r "
        + recipient + " > " + byTools));
    assertEquals(0, made.exitCode(), made.stderr());
    String rawStatus = CliRun.of("snapshot", "status", snapshot.toString(), "-w", "json").out();
    CliRun status = CliRun.of("snapshot", "status", byTools.toString(), "-w", "json", "--age-identity",
        key.toString(), "--work-dir", tools.toString());
    assertEquals(0, status.exitCode(), status.toString());
    assertEquals(rawStatus, status.out());
    try (Stream<Path> left = Files.list(tools)) {
      assertEquals(List.of(byTools), left.toList(), "the unpacked copy is gone");
    }
  }

  @Test
  void a_good_snapshot_passes_every_check() throws IOException {
    CliRun r = drill(snapshot, EtcdVersion.V3_5);
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode report = json.readTree(r.out());
    assertTrue(report.get("ok").asBoolean(), r.out());
    for (String check : List.of("verify", "sidecar", "restore", "etcd_start", "revision", "key_counts", "hash_kv",
        "cleanup")) {
      assertEquals("pass", results(report).get(check), check + ": " + r.out());
    }
    JsonNode sidecar = json.readTree(snapshot.resolveSibling(snapshot.getFileName() + ".json").toFile());
    assertEquals(sidecar.get("revision").asLong(), report.get("revision").asLong());
    assertEquals(sidecar.get("hash_kv").asLong(), report.get("hash_kv").asLong());
    assertEquals(report.get("expected_key_counts"), report.get("key_counts"));
    assertEquals(30, report.get("key_counts").get("/registry/configmaps/").asLong(), r.out());
    assertEquals(8, report.get("key_counts").get("/registry/pods/").asLong(), r.out());
    assertEquals(1, report.get("key_counts").get("/registry/health").asLong(), r.out());
    assertEquals(EtcdVersion.V3_5.version, report.get("etcd_version").asText());
    // etcd 3.5 records the cluster version in the db; the sidecar's 3.5.16 ties with it and the db's is named.
    assertEquals("3.5", report.get("snapshot_etcd_version").asText(), r.out());
    assertEquals("cluster_version", report.get("snapshot_etcd_version_source").asText(), r.out());
    assertTrue(report.get("seconds").asDouble() > 0);
  }

  /** Refused with exit 11 and the JSON error, having written nothing: the work dir's mtime never moved. */
  private String refused(Path file, EtcdVersion etcd) throws IOException {
    CliRun r = drillUntouched(file, etcd);
    assertEquals(11, r.exitCode(), r.toString());
    JsonNode error = json.readTree(r.out()).get("error"); // the error document only: no drill report
    assertEquals("etcd_binary", error.get("kind").asText(), r.out());
    String message = error.get("message").asText();
    assertTrue(r.err().contains(message), r.err());
    for (String part : List.of("etcd " + etcd.version + " at " + etcd.bin("etcd"), "(from --etcd)",
        file.toString(), "nothing was restored or started", "Pass --etcd PATH to an etcd >= ", "ETCD_DR_ETCD")) {
      assertTrue(message.contains(part), "'" + part + "' in: " + message);
    }
    return message;
  }

  private CliRun drillUntouched(Path file, EtcdVersion etcd) throws IOException {
    Path dir = Files.createTempDirectory(work, "untouched-");
    FileTime before = Files.getLastModifiedTime(dir);
    scratch = dir;
    CliRun r = CliRun.of("snapshot", "drill", file.toString(), "--etcd", etcd.bin("etcd").toString(), "--work-dir",
        dir.toString(), "--timeout", "30s", "-o", "json");
    assertEquals(before, Files.getLastModifiedTime(dir), "no scratch dir was ever made in " + dir);
    return r;
  }

  @Test
  void a_36_snapshot_is_refused_by_etcd_35_before_it_is_restored() throws IOException {
    Path dir = Files.createDirectories(work.resolve("shaped-36"));
    Path db = EtcdDb.etcd36().put(2, "/registry/pods/default/p-0", "v0").put(3, "/registry/health", "ok")
        .write(dir.resolve("etcd-36.db"));
    String message = refused(db, EtcdVersion.V3_5);
    assertTrue(message.contains("is older than the snapshot") && message.contains("needs etcd 3.6 or newer"
        + " (meta/storageVersion 3.6.0 in the db)") && message.contains(">= 3.6"), message);
  }

  @Test
  void a_35_snapshot_is_refused_by_etcd_34_with_or_without_its_sidecar() throws IOException {
    String withSidecar = refused(snapshot, EtcdVersion.V3_4);
    assertTrue(withSidecar.contains("needs etcd 3.5 or newer (cluster/clusterVersion 3.5.0 in the db)"),
        withSidecar);

    Path alone = Files.createDirectories(work.resolve("no-sidecar")).resolve(snapshot.getFileName());
    Files.copy(snapshot, alone);
    String dbOnly = refused(alone, EtcdVersion.V3_4);
    assertTrue(dbOnly.contains("needs etcd 3.5 or newer (cluster/clusterVersion 3.5.0 in the db)"), dbOnly);
  }

  @Test
  void a_sidecar_from_a_newer_member_raises_the_version_asked_for() throws IOException {
    Path newer = copy("newer-member");
    Path sidecar = newer.resolveSibling(newer.getFileName() + ".json");
    ObjectNode meta = (ObjectNode) json.readTree(sidecar.toFile());
    meta.put("etcd_version", "3.6.14");
    Files.writeString(sidecar, meta.toString());
    String message = refused(newer, EtcdVersion.V3_5);
    assertTrue(message.contains("needs etcd 3.6 or newer (etcd_version 3.6.14 in " + sidecar.getFileName() + ")"),
        message);
  }

  @Test
  void a_flipped_byte_fails_with_exit_6_and_one_json_document() throws IOException {
    Path bad = copy("flipped");
    try (RandomAccessFile f = new RandomAccessFile(bad.toFile(), "rw")) {
      long middle = f.length() / 2;
      f.seek(middle);
      int b = f.read();
      f.seek(middle);
      f.write(b ^ 0xff);
    }
    CliRun r = drill(bad, EtcdVersion.V3_5);
    assertEquals(6, r.exitCode(), r.toString());
    JsonNode report = json.readTree(r.out()); // exactly one document, or this throws on trailing content
    assertFalse(report.get("ok").asBoolean());
    assertEquals("fail", results(report).get("verify"), r.out());
    assertEquals("skip", results(report).get("etcd_start"), r.out());
    assertTrue(r.err().contains("FAILED") && r.err().contains("verify"), r.err());
  }

  @Test
  void a_sidecar_whose_hash_differs_fails_the_hash_check() throws IOException {
    Path lied = copy("lying-sidecar");
    Path sidecar = lied.resolveSibling(lied.getFileName() + ".json");
    ObjectNode meta = (ObjectNode) json.readTree(sidecar.toFile());
    meta.put("hash_kv", meta.get("hash_kv").asLong() ^ 1);
    Files.writeString(sidecar, meta.toString());
    CliRun r = drill(lied, EtcdVersion.V3_5);
    assertEquals(6, r.exitCode(), r.toString());
    JsonNode report = json.readTree(r.out());
    assertEquals("fail", results(report).get("hash_kv"), r.out());
    assertEquals("pass", results(report).get("key_counts"), r.out());
    assertEquals("pass", results(report).get("cleanup"), r.out());
  }

  @Test
  void an_older_sidecar_without_hash_kv_skips_that_check_only() throws IOException {
    Path old = copy("old-sidecar");
    Path sidecar = old.resolveSibling(old.getFileName() + ".json");
    ObjectNode meta = (ObjectNode) json.readTree(sidecar.toFile());
    meta.remove(List.of("hash_kv", "hash_kv_compact_revision"));
    Files.writeString(sidecar, meta.toString());
    CliRun r = drill(old, EtcdVersion.V3_5, "--count-keys", "/registry/pods/");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode report = json.readTree(r.out());
    assertEquals("skip", results(report).get("hash_kv"), r.out());
    assertTrue(report.get("expected_hash_kv").isNull(), r.out());
    assertEquals(1, report.get("key_counts").size(), "groups under the prefix given: " + r.out());
  }

  @Test
  void an_etcd_34_snapshot_drills_with_etcd_34() throws IOException {
    try (EtcdCluster c34 = EtcdCluster.start(EtcdVersion.V3_4, work.resolve("cluster-34"), 1, NET)) {
      Path saved = seedAndSave(c34, work.resolve("saved-34"));
      CliRun r = drill(saved, EtcdVersion.V3_4);
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode report = json.readTree(r.out());
      assertEquals("pass", results(report).get("hash_kv"), r.out());
      assertEquals(EtcdVersion.V3_4.version, report.get("etcd_version").asText());
      // etcd 3.4.23 writes cluster/clusterVersion 3.4.0 into the db too; the sidecar's 3.4.23 ties with it.
      assertEquals("3.4", report.get("snapshot_etcd_version").asText(), r.out());
      assertEquals("cluster_version", report.get("snapshot_etcd_version_source").asText(), r.out());

      // A newer etcd than the snapshot is fine, and the report names the binary that served it.
      CliRun newer = drill(saved, EtcdVersion.V3_5);
      assertEquals(0, newer.exitCode(), newer.toString());
      JsonNode served = json.readTree(newer.out());
      assertTrue(served.get("ok").asBoolean(), newer.out());
      assertEquals(EtcdVersion.V3_5.bin("etcd").toAbsolutePath().toString(), served.get("etcd_binary").asText());
      assertEquals(EtcdVersion.V3_5.version, served.get("etcd_version").asText());
      assertEquals("3.4", served.get("snapshot_etcd_version").asText(), newer.out());
      assertEquals("pass", results(served).get("hash_kv"), newer.out());
    }
  }

  @Test
  void without_an_etcd_binary_it_says_where_it_looked() throws IOException {
    CliRun r = CliRun.of("snapshot", "drill", snapshot.toString(), "--etcd", work.resolve("no-etcd").toString());
    assertEquals(11, r.exitCode(), r.toString());
    assertTrue(r.err().contains("no-etcd") && r.err().contains("does not exist"), r.err());

    // The shaded jar with an empty PATH and no ETCD_DR_ETCD: the PATH search, and the JSON error on stdout.
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Path jar = Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar")).toAbsolutePath();
    Path nowhere = Files.createDirectories(work.resolve("empty-bin"));
    Proc.Result p = Proc.run(List.of("env", "-u", "ETCD_DR_ETCD", "PATH=" + nowhere, javaBin, "-jar",
        jar.toString(), "snapshot", "drill", snapshot.toString(), "-o", "json"), Map.of(), null, 60);
    assertEquals(11, p.exitCode(), p.stdout() + p.stderr());
    JsonNode error = json.readTree(p.stdout()).get("error");
    assertEquals("etcd_binary", error.get("kind").asText());
    assertTrue(error.get("message").asText().contains("no executable 'etcd' in PATH (" + nowhere + ")"),
        error.toString());
    assertNotNull(error.get("message"));
  }
}
