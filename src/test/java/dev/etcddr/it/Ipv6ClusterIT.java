package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A 3-member TLS cluster of etcd 3.5.16 on {@code [::1]} (ports from 23100 up; the certificates name ::1 as
 * {@code 0:0:0:0:0:0:0:1}): snapshot save from a manifest whose URLs are all {@code [::1]}, snapshot status, and
 * cluster health, each checked against etcdctl's view; then a restore into 3 data dirs with {@code [::1]} peer
 * URLs, byte for byte the raft files (so the member and cluster IDs) etcdutl writes for the same flags.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Ipv6ClusterIT {
  private final ObjectMapper json = new ObjectMapper();
  private Path work;
  private EtcdCluster cluster;
  private Path snapshot;

  @BeforeAll
  void start() throws Exception {
    work = Files.createTempDirectory("etcd-dr-ipv6-it-");
    cluster = EtcdCluster.startOnHost(EtcdVersion.V3_5, work.resolve("c"), 3, "::1", 23100);
    for (int i = 0; i < 20; i++) {
      cluster.etcdctl(cluster.member(0), "put", "/registry/pods/default/p" + i, "v").requireSuccess();
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    try (Stream<Path> paths = Files.walk(work)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** etcdctl's endpoint status of one member. */
  private JsonNode etcdctlStatus(EtcdCluster.Member m) throws Exception {
    return json.readTree(cluster.etcdctl(m, "endpoint", "status", "-w", "json").requireSuccess().stdout())
        .get(0).get("Status");
  }

  @Test
  @Order(1)
  void the_manifest_names_only_bracketed_ipv6_urls() throws Exception {
    EtcdCluster.Member m = cluster.member(0);
    String manifest = Files.readString(m.manifest());
    assertTrue(manifest.contains("--advertise-client-urls=https://[::1]:" + m.clientPort()), manifest);
    assertTrue(manifest.contains("m2=https://[::1]:" + cluster.member(1).peerPort()), manifest);
    CliRun show = CliRun.of("manifest", "show", "--manifest", m.manifest().toString(), "-o", "json");
    assertEquals(0, show.exitCode(), show.toString());
    assertTrue(show.out().contains("https://[::1]:" + m.clientPort()), show.out());
  }

  @Test
  @Order(2)
  void snapshot_save_from_the_manifest_takes_this_hosts_member() throws Exception {
    EtcdCluster.Member m = cluster.member(1);
    Path dir = Files.createDirectories(work.resolve("backups"));
    CliRun save = CliRun.of("snapshot", "save", "--manifest", m.manifest().toString(), "--dir", dir.toString(),
        "-o", "json");
    assertEquals(0, save.exitCode(), save.toString());
    JsonNode out = json.readTree(save.out());
    JsonNode st = etcdctlStatus(m);
    assertEquals("https://[::1]:" + m.clientPort(), out.get("endpoint").asText());
    assertEquals(m.name(), out.get("member_name").asText());
    assertEquals(Long.toHexString(st.get("header").get("cluster_id").asLong()),
        Long.toHexString(Long.parseUnsignedLong(out.get("cluster_id").asText(), 16)));
    assertEquals(st.get("header").get("revision").asLong(), out.get("revision").asLong());
    snapshot = dir.resolve(out.get("file").asText());
    assertTrue(Files.size(snapshot) > 0);

    CliRun status = CliRun.of("snapshot", "status", snapshot.toString(), "-o", "json");
    assertEquals(0, status.exitCode(), status.toString());
    JsonNode s = json.readTree(status.out());
    assertEquals(st.get("header").get("revision").asLong(), s.get("revision").asLong(), status.out());
    JsonNode theirs = json.readTree(Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot",
        "status", snapshot.toString(), "-w", "json")).requireSuccess().stdout());
    assertEquals(theirs.get("hash").asLong(), s.get("hash").asLong(), status.out());
    assertEquals(theirs.get("totalKey").asLong(), s.get("total_key").asLong(), status.out());
  }

  @Test
  @Order(3)
  void cluster_health_with_hashes_sees_the_members_etcdctl_sees() throws Exception {
    String endpoints = cluster.members().stream().map(EtcdCluster.Member::clientUrl)
        .collect(Collectors.joining(","));
    Path pki = cluster.pki().pkiDir("m1").resolve("etcd");
    CliRun r = CliRun.of("cluster", "health", "--endpoints", endpoints, "--cacert", pki.resolve("ca.crt").toString(),
        "--cert", pki.resolve("healthcheck-client.crt").toString(), "--key",
        pki.resolve("healthcheck-client.key").toString(), "--hash", "--expect-members", "m1,m2,m3", "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    assertTrue(j.get("healthy").asBoolean(), r.out());
    for (int i = 0; i < 3; i++) {
      EtcdCluster.Member m = cluster.member(i);
      JsonNode st = etcdctlStatus(m);
      JsonNode e = j.get("endpoints").get(i);
      assertEquals(m.clientUrl(), e.get("endpoint").asText());
      assertEquals(Long.toHexString(st.get("header").get("member_id").asLong()), e.get("member_id").asText(),
          e.toString());
      assertEquals(m.name(), e.get("member_name").asText());
    }
    for (JsonNode member : j.get("members")) {
      assertTrue(member.get("peer_urls").get(0).asText().startsWith("https://[::1]:"), member.toString());
    }
  }

  @Test
  @Order(4)
  void an_endpoint_spelled_another_way_passes_the_certificate_check() throws Exception {
    EtcdCluster.Member m = cluster.member(2);
    Path pki = cluster.pki().pkiDir("m3").resolve("etcd");
    CliRun r = CliRun.of("cluster", "health", "--endpoints", "https://[0:0:0::1]:" + m.clientPort(), "--cacert",
        pki.resolve("ca.crt").toString(), "--cert", pki.resolve("healthcheck-client.crt").toString(), "--key",
        pki.resolve("healthcheck-client.key").toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
  }

  @Test
  @Order(5)
  void restore_into_three_ipv6_members_writes_what_etcdutl_writes() throws Exception {
    assertTrue(snapshot != null, "snapshot_save ran first");
    // m3's entry is written long-hand: etcd hashes --initial-cluster's URL strings as written (so its ID is not
    // that of [::1]:23903), while it checks m3's own --initial-advertise-peer-urls against them as addresses.
    Map<String, String> inCluster = Map.of("m1", "https://[::1]:23901", "m2", "https://[::1]:23902", "m3",
        "https://[0:0:0:0:0:0:0:1]:23903");
    Map<String, String> advertise = Map.of("m1", "https://[::1]:23901", "m2", "https://[::1]:23902", "m3",
        "https://[::1]:23903");
    String initialCluster = new TreeMap<>(inCluster).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
    Map<String, String> ourIds = new TreeMap<>();
    Map<String, String> theirIds = new TreeMap<>();
    for (String name : List.of("m1", "m2", "m3")) {
      List<String> flags = List.of("--name", name, "--initial-cluster", initialCluster, "--initial-cluster-token",
          "ipv6-restore", "--initial-advertise-peer-urls", advertise.get(name));
      Path theirs = work.resolve("etcdutl-" + name);
      List<String> argv = new ArrayList<>(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot",
          "restore", snapshot.toString(), "--data-dir", theirs.toString()));
      argv.addAll(flags);
      Proc.Result etcdutl = Proc.run(argv).requireSuccess();
      Path ours = work.resolve("ours-" + name);
      List<String> mine = new ArrayList<>(List.of("snapshot", "restore", snapshot.toString(), "--data-dir",
          ours.toString(), "-o", "json"));
      mine.addAll(flags);
      CliRun r = CliRun.of(mine.toArray(String[]::new));
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode result = json.readTree(r.out());
      for (JsonNode member : result.get("members")) {
        ourIds.put(member.get("name").asText(), member.get("id").asText().replaceFirst("^0+", ""));
        assertEquals(inCluster.get(member.get("name").asText()), member.get("peer_urls").get(0).asText());
      }
      // etcdutl logs each member it adds: "added-peer-id": "…", "added-peer-peer-urls": ["…"]
      Matcher added = Pattern.compile(
          "\"added-peer-id\":\\s*\"([0-9a-f]+)\",\\s*\"added-peer-peer-urls\":\\s*\\[\"([^\"]+)\"")
          .matcher(etcdutl.stdout() + etcdutl.stderr());
      while (added.find()) {
        theirIds.put(nameOf(added.group(2), inCluster), added.group(1));
      }
      for (String sub : List.of("member/wal", "member/snap")) {
        for (String file : list(theirs.resolve(sub))) {
          if (!file.equals("db")) {
            assertArrayEquals(Files.readAllBytes(theirs.resolve(sub).resolve(file)),
                Files.readAllBytes(ours.resolve(sub).resolve(file)), name + ": " + sub + "/" + file);
          }
        }
      }
    }
    assertEquals(3, theirIds.size(), theirIds.toString());
    assertEquals(theirIds, ourIds);
  }

  private static String nameOf(String url, Map<String, String> inCluster) {
    return inCluster.entrySet().stream().filter(e -> e.getValue().equals(url)).map(Map.Entry::getKey).findFirst()
        .orElseThrow(() -> new AssertionError("etcdutl added an unknown peer URL " + url));
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
