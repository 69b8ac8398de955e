package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.snapshot.SnapshotName;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Mounts;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot save} against one real, TLS-only etcd member of a given release. Every failure case checks the
 * exit code, the message, and that nothing was left behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SnapshotSaveContract {
  /** Static: JUnit fills instance @TempDir fields only after @BeforeAll of a per-class instance has run. */
  @TempDir
  static Path work;

  EtcdCluster cluster;
  EtcdCluster.Member member;
  private final ObjectMapper json = new ObjectMapper();

  abstract EtcdVersion version();

  @BeforeAll
  void startEtcd() throws IOException {
    cluster = EtcdCluster.start(version(), work.resolve("cluster"), 1);
    member = cluster.member(0);
    // Enough data that the db outgrows the 64 KiB "full disk" below, with values spanning several pages.
    cluster.putKeys("/registry/configmaps/default/cm-", 24, 12_000);
  }

  @AfterAll
  void stopEtcd() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Path newDir(String name) throws IOException {
    return Files.createDirectories(work.resolve("out-" + name + "-" + System.nanoTime()));
  }

  private static List<String> listing(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private String[] tlsFlags(Path ca, Path cert, Path key) {
    return new String[] {"--endpoints", member.clientUrl(), "--cacert", ca.toString(), "--cert", cert.toString(),
        "--key", key.toString()};
  }

  private Path pki() {
    return cluster.pki().pkiDir(member.name());
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  @Test
  void saves_with_only_the_manifest_and_the_real_tool_restores_it_without_skip_hash_check() throws Exception {
    Path dir = work.resolve("snapshots-default"); // does not exist yet: save creates it 0700
    long revisionBefore = cluster.revision(member);
    CliRun r = CliRun.of("snapshot", "save", "--manifest", member.manifest().toString(), "--dir", dir.toString(),
        "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode out = json.readTree(r.out());

    List<String> files = listing(dir);
    assertEquals(2, files.size(), "snapshot and sidecar only: " + files);
    Path snapshot = dir.resolve(out.get("file").asText());
    Path sidecar = dir.resolve(out.get("file").asText() + ".json");
    assertEquals(json.readTree(sidecar.toFile()), out, "-o json prints the sidecar");

    SnapshotName name = SnapshotName.parse(snapshot.getFileName().toString()).orElseThrow();
    assertEquals(revisionBefore, out.get("revision").asLong(), "revision = the server's when it was taken");
    assertEquals(revisionBefore, cluster.revision(member), "nothing wrote in between");
    assertEquals(name.revision(), out.get("revision").asLong());
    assertEquals(Long.parseUnsignedLong(out.get("cluster_id").asText(), 16), name.clusterId());
    assertEquals(member.name(), out.get("member_name").asText());
    assertEquals(member.clientUrl(), out.get("endpoint").asText());
    assertEquals(version().version, out.get("etcd_version").asText());
    assertEquals(Files.size(snapshot), out.get("file_size").asLong());
    assertEquals(Files.size(snapshot) - 32, out.get("db_size").asLong());
    assertTrue(out.get("raft_index").asLong() > 0);
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(snapshot))),
        out.get("sha256").asText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sidecar)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));

    restoreWithRealTool(snapshot, work.resolve("restored-" + System.nanoTime()));
  }

  /** The release's own restore, WITHOUT --skip-hash-check: proves the trailer is there and right. */
  private void restoreWithRealTool(Path snapshot, Path dataDir) {
    Proc.Result restore = Proc.run(List.of(version().restoreTool().toString(), "snapshot", "restore",
        snapshot.toString(), "--data-dir", dataDir.toString()), Map.of("ETCDCTL_API", "3"), null, 120);
    assertEquals(0, restore.exitCode(), restore.stdout() + restore.stderr());
    assertTrue(Files.exists(dataDir.resolve("member/snap/db")));
  }

  @Test
  void text_output_names_the_member_and_file() throws IOException {
    Path file = newDir("text").resolve("etcd.db");
    CliRun r = CliRun.of(concat(tlsFlags(pki().resolve("etcd/ca.crt"), pki().resolve("apiserver-etcd-client.crt"),
        pki().resolve("apiserver-etcd-client.key")), "snapshot", "save", file.toString()));
    // Flags before the command are not picocli's way; this run must fail as a usage error and write nothing.
    assertEquals(2, r.exitCode(), r.toString());
    assertFalse(Files.exists(file));
    r = CliRun.of(concat(new String[] {"snapshot", "save", file.toString()}, tlsFlags(pki().resolve("etcd/ca.crt"),
        pki().resolve("apiserver-etcd-client.crt"), pki().resolve("apiserver-etcd-client.key"))));
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().startsWith("saved " + file), r.out());
    assertTrue(r.out().contains("from member " + member.name()) && r.out().contains("trailer verified"), r.out());
  }

  @Test
  void falls_back_to_the_server_certificate_when_kubeadm_has_no_apiserver_client_cert() throws IOException {
    // A copy of this host's /etc/kubernetes/pki holding only the etcd/ directory.
    Path pki = work.resolve("pki-without-apiserver-" + System.nanoTime());
    Files.createDirectories(pki.resolve("etcd"));
    try (Stream<Path> s = Files.list(pki().resolve("etcd"))) {
      for (Path f : s.toList()) {
        Files.copy(f, pki.resolve("etcd").resolve(f.getFileName()));
      }
    }
    Path manifest = pki.resolve("etcd.yaml");
    Files.writeString(manifest, Files.readString(member.manifest()).replace(pki().toString(), pki.toString()));
    Path file = newDir("fallback").resolve("s.db");
    CliRun r = CliRun.of("snapshot", "save", file.toString(), "--manifest", manifest.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(Files.exists(file));
  }

  @Test
  void pkcs8_and_ec_client_keys_work() throws IOException {
    TestPki testPki = cluster.pki();
    for (String alg : List.of("rsa-pkcs8", "ec-sec1")) {
      Path[] pair = testPki.client("save-" + alg, alg, false);
      Path file = newDir(alg).resolve("s.db");
      CliRun r = CliRun.of(concat(new String[] {"snapshot", "save", file.toString()},
          tlsFlags(testPki.caCert(), pair[0], pair[1])));
      assertEquals(0, r.exitCode(), alg + ": " + r);
    }
  }

  @Test
  void never_overwrites_without_force() throws IOException {
    Path dir = newDir("exists");
    Path file = dir.resolve("s.db");
    Files.writeString(file, "an earlier snapshot");
    String[] base = concat(new String[] {"snapshot", "save", file.toString()}, tlsFlags(pki().resolve("etcd/ca.crt"),
        pki().resolve("apiserver-etcd-client.crt"), pki().resolve("apiserver-etcd-client.key")));
    CliRun r = CliRun.of(base);
    assertEquals(7, r.exitCode(), r.toString());
    assertTrue(r.err().contains(file + " already exists; pass --force"), r.err());
    assertEquals("an earlier snapshot", Files.readString(file), "earlier snapshot untouched");
    assertEquals(List.of("s.db"), listing(dir));

    r = CliRun.of(concat(base, "--force"));
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(List.of("s.db", "s.db.json"), listing(dir));
    restoreWithRealTool(file, work.resolve("restored-force"));
  }

  /** Runs a save that must fail, and checks the code, the message, and that the directory stayed empty. */
  private CliRun failing(int code, String messagePart, Path dir, String... flags) throws IOException {
    CliRun r = CliRun.of(concat(new String[] {"snapshot", "save", "--dir", dir.toString(), "-o", "json"}, flags));
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().contains(messagePart), "expected '" + messagePart + "' in: " + r.err());
    assertEquals(code, json.readTree(r.out()).get("error").get("exit_code").asInt(), r.out());
    assertEquals(List.of(), listing(dir), "nothing left behind");
    return r;
  }

  @Test
  void a_wrong_ca_is_explained() throws IOException {
    Path otherCa = TestPki.unrelatedCa(work.resolve("other-ca-" + System.nanoTime()));
    failing(4, "is not signed by the CA in " + otherCa, newDir("wrong-ca"),
        tlsFlags(otherCa, pki().resolve("apiserver-etcd-client.crt"), pki().resolve("apiserver-etcd-client.key")));
  }

  @Test
  void a_hostname_the_certificate_does_not_name_is_explained() throws IOException {
    String[] flags = tlsFlags(pki().resolve("etcd/ca.crt"), pki().resolve("apiserver-etcd-client.crt"),
        pki().resolve("apiserver-etcd-client.key"));
    flags[1] = member.aliasClientUrl();
    failing(4, "does not name host '" + member.aliasIp() + "' (hostname mismatch", newDir("hostname"), flags);
  }

  @Test
  void a_key_that_does_not_match_its_certificate_is_explained() throws IOException {
    failing(4, "does not belong to client certificate", newDir("mismatch"),
        tlsFlags(pki().resolve("etcd/ca.crt"), pki().resolve("apiserver-etcd-client.crt"),
            pki().resolve("etcd/server.key")));
  }

  @Test
  void an_expired_client_certificate_is_explained() throws IOException {
    Path[] pair = cluster.pki().client("expired-" + System.nanoTime(), "rsa-pkcs1", true);
    failing(4, "expired on 2020-01-02", newDir("expired"), tlsFlags(pki().resolve("etcd/ca.crt"), pair[0], pair[1]));
  }

  @Test
  void a_client_certificate_from_another_ca_is_refused_by_etcd_and_explained() throws IOException {
    Path otherDir = work.resolve("other-client-" + System.nanoTime());
    TestPki other = TestPki.forHosts(otherDir, Map.of("x", "127.0.0.1"));
    failing(4, "refused the client certificate", newDir("other-client"),
        tlsFlags(pki().resolve("etcd/ca.crt"), other.pkiDir("x").resolve("apiserver-etcd-client.crt"),
            other.pkiDir("x").resolve("apiserver-etcd-client.key")));
  }

  @Test
  void a_member_that_is_down_fails_within_the_timeout_and_is_named() throws IOException {
    String[] flags = tlsFlags(pki().resolve("etcd/ca.crt"), pki().resolve("apiserver-etcd-client.crt"),
        pki().resolve("apiserver-etcd-client.key"));
    flags[1] = "https://" + member.ip() + ":1"; // nothing listens on port 1
    long start = System.nanoTime();
    failing(5, "nothing accepts connections at https://" + member.ip() + ":1", newDir("down"),
        concat(flags, "--timeout", "3s"));
    assertTrue((System.nanoTime() - start) / 1e9 < 8, "failed within the timeout");
  }

  @Test
  void an_endpoint_that_accepts_but_never_answers_fails_at_the_timeout() throws IOException {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getByName(member.ip()))) {
      String[] flags = tlsFlags(pki().resolve("etcd/ca.crt"), pki().resolve("apiserver-etcd-client.crt"),
          pki().resolve("apiserver-etcd-client.key"));
      flags[1] = "https://" + member.ip() + ":" + silent.getLocalPort();
      long start = System.nanoTime();
      failing(5, "no answer from " + flags[1] + " within 2s", newDir("silent"), concat(flags, "--timeout", "2s"));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(seconds >= 2 && seconds < 8, "waited the timeout, not forever: " + seconds);
    }
  }

  @Test
  void a_malformed_manifest_exits_3() throws IOException {
    Path manifest = work.resolve("broken-" + System.nanoTime() + ".yaml");
    Files.writeString(manifest, Files.readString(member.manifest()).replace("kind: Pod", "kind: [Pod"));
    failing(3, manifest + ": not valid YAML", newDir("malformed"), "--manifest", manifest.toString());
  }

  @Test
  void a_read_only_directory_is_refused() throws IOException {
    assumeTrue(Mounts.root(), "needs root to mount a read-only filesystem");
    try (Mounts ro = Mounts.tmpfs(work.resolve("ro-" + System.nanoTime()), "ro,size=64k")) {
      CliRun r = CliRun.of("snapshot", "save", "--manifest", member.manifest().toString(), "--dir",
          ro.path().toString());
      assertEquals(7, r.exitCode(), r.toString());
      assertTrue(r.err().contains("cannot write in " + ro.path()), r.err());
      assertEquals(List.of(), listing(ro.path()));
    }
  }

  @Test
  void a_disk_that_fills_up_mid_stream_leaves_no_partial_file() throws IOException {
    assumeTrue(Mounts.root(), "needs root to mount a small tmpfs");
    try (Mounts small = Mounts.tmpfs(work.resolve("full-" + System.nanoTime()), "size=64k")) {
      Path earlier = small.path().resolve("earlier.db");
      Files.writeString(earlier, "kept");
      CliRun r = CliRun.of("snapshot", "save", "--manifest", member.manifest().toString(), "--dir",
          small.path().toString());
      assertEquals(7, r.exitCode(), r.toString());
      assertTrue(r.err().contains("disk full while writing"), r.err());
      assertEquals(List.of("earlier.db"), listing(small.path()), "only the earlier file remains");
      assertEquals("kept", Files.readString(earlier));
    }
  }
}
