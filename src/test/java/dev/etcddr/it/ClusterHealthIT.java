package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * {@code cluster health} against a real 3-member TLS cluster of etcd 3.5.16 (and a short pass on 3.4.23): healthy,
 * then each gate failing on its own, then one member down; and {@code snapshot status --count-keys} of a snapshot
 * of that cluster equals the cluster's own count. Members live on 127.0.8.x only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterHealthIT {
  private static final String SUBNET = "127.0.8";
  /** More pods than one range page (10 000 keys), so counting must page at one revision. */
  private static final int PODS = 10_250;

  /** Exactly one JSON document: trailing content (a second document) fails the parse. */
  private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Path work;
  private EtcdCluster cluster;
  /** Live keys per group under /registry/, as written below. */
  private final Map<String, Long> expected = new TreeMap<>();

  @BeforeAll
  void start() throws Exception {
    work = Files.createTempDirectory("etcd-dr-health-it-");
    cluster = EtcdCluster.start(EtcdVersion.V3_5, work.resolve("c35"), 3, SUBNET);
    EtcdCluster.Member m = cluster.member(0);
    List<String> puts = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      puts.add("/registry/pods/ns" + (i % 7) + "/pod-" + i);
    }
    for (int i = 0; i < 30; i++) {
      puts.add("/registry/services/specs/default/svc-" + i);
      puts.add("/registry/services/endpoints/default/svc-" + i);
    }
    for (int i = 0; i < 40; i++) {
      puts.add("/registry/secrets/kube-system/s-" + i);
      puts.add("/registry/configmaps/default/cm-" + i);
    }
    puts.add("/registry/health");
    puts.add("/other/outside-the-prefix");
    putAll(m, puts, "v1");
    putAll(m, List.of("/registry/secrets/kube-system/s-1", "/registry/secrets/kube-system/s-2"), "overwritten");
    for (int i = 0; i < 15; i++) {
      cluster.etcdctl(m, "del", "/registry/secrets/kube-system/s-" + (10 + i)).requireSuccess();
    }
    cluster.etcdctl(m, "del", "/registry/configmaps/", "--prefix").requireSuccess();
    // Compaction removes the tombstones above; the deletes after it leave tombstones in the keyspace.
    cluster.etcdctl(m, "compaction", String.valueOf(cluster.revision(m))).requireSuccess();
    cluster.etcdctl(m, "del", "/registry/services/specs/default/svc-0").requireSuccess();
    cluster.etcdctl(m, "del", "/registry/pods/ns0/pod-0").requireSuccess();
    expected.put("/registry/health", 1L);
    expected.put("/registry/pods/", (long) PODS - 1);
    expected.put("/registry/secrets/", 25L);
    expected.put("/registry/services/", 59L);
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    // The snapshot holds what the test wrote; the tree goes with the cluster.
    try (Stream<Path> paths = Files.walk(work)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  @Order(1)
  void a_healthy_cluster_is_one_cluster_with_equal_hashes_and_the_keys_that_were_put() throws Exception {
    CliRun r = health("--hash", "--expect-members", "m3,m1,m2", "--min-revision", "2", "--count-keys", "/registry/",
        "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    assertTrue(j.get("healthy").asBoolean(), r.out());
    assertEquals(0, j.get("problems").size());
    assertTrue(j.get("cluster_id").asText().matches("[0-9a-f]{16}"), r.out());
    assertEquals(cluster.revision(cluster.member(0)), j.get("revision").asLong());
    assertEquals(Set.of("m1", "m2", "m3"), names(j.get("members")));
    for (JsonNode m : j.get("members")) {
      assertTrue(m.get("id").asText().matches("[0-9a-f]{16}"), m.toString());
      assertEquals(1, m.get("peer_urls").size());
      assertFalse(m.get("is_learner").asBoolean());
    }
    Set<String> hashes = new HashSet<>();
    int leaders = 0;
    for (JsonNode e : j.get("endpoints")) {
      assertTrue(e.get("reachable").asBoolean(), e.toString());
      assertEquals("", e.get("error").asText());
      assertEquals(j.get("cluster_id").asText(), e.get("cluster_id").asText());
      assertEquals("3.5.16", e.get("version").asText());
      assertTrue(e.get("hash_kv").isNumber() && e.get("hash_revision").isNumber(), e.toString());
      assertEquals(minRevision(j), e.get("hash_revision").asLong());
      assertTrue(e.get("compact_revision").asLong() > 1, e.toString());
      hashes.add(e.get("hash_kv").asText());
      leaders += e.get("is_leader").asBoolean() ? 1 : 0;
    }
    assertEquals(1, hashes.size(), r.out());
    assertEquals(1, leaders, r.out());
    assertEquals(expected, counts(j.get("key_counts")));
    assertEquals(j.get("revision").asLong(), j.get("key_count_revision").asLong());

    CliRun text = health("--hash", "--count-keys", "/registry/");
    assertEquals(0, text.exitCode(), text.toString());
    assertTrue(text.out().contains("cluster is healthy") && text.out().contains("/registry/pods/")
        && text.out().contains(String.valueOf(PODS - 1)), text.out());
  }

  @Test
  @Order(2)
  void without_options_the_report_has_no_hashes_and_no_counts() throws Exception {
    CliRun r = health("-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    assertTrue(j.get("key_counts").isNull() && j.get("key_count_revision").isNull(), r.out());
    for (JsonNode e : j.get("endpoints")) {
      assertTrue(e.get("hash_kv").isNull() && e.get("hash_revision").isNull(), e.toString());
    }
  }

  @Test
  @Order(3)
  void a_snapshot_counts_the_same_live_keys_as_its_cluster() throws Exception {
    Path file = work.resolve("s.db");
    CliRun save = CliRun.of(concat(new String[] {"snapshot", "save", file.toString(), "--endpoints", endpoints()},
        tls()));
    assertEquals(0, save.exitCode(), save.toString());
    CliRun status = CliRun.of("snapshot", "status", file.toString(), "--count-keys", "/registry/", "-o", "json");
    assertEquals(0, status.exitCode(), status.toString());
    JsonNode s = json.readTree(status.out());
    assertEquals(expected, counts(s.get("key_counts")));
    JsonNode live = json.readTree(health("--count-keys", "/registry/", "-o", "json").out());
    assertEquals(counts(live.get("key_counts")), counts(s.get("key_counts")));
    assertEquals(expected.values().stream().mapToLong(Long::longValue).sum() + 1, s.get("live_keys").asLong(),
        "live keys also count the key outside the prefix");

    CliRun plain = CliRun.of("snapshot", "status", file.toString(), "-o", "json");
    assertFalse(json.readTree(plain.out()).has("key_counts"), plain.out());
    CliRun simple = CliRun.of("snapshot", "status", file.toString());
    CliRun counted = CliRun.of("snapshot", "status", file.toString(), "--count-keys", "/registry/");
    assertTrue(counted.out().startsWith(simple.out() + "\n"), counted.toString());
    assertTrue(counted.out().contains("/registry/pods/"), counted.out());
    assertEquals(2, CliRun.of("snapshot", "status", file.toString(), "-w", "json", "--count-keys", "/r/").exitCode());
  }

  @Test
  @Order(4)
  void a_member_list_other_than_expected_is_unhealthy_and_named() throws Exception {
    CliRun r = health("--expect-members", "m1,m2,cp9", "-o", "json");
    assertEquals(5, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    assertFalse(j.get("healthy").asBoolean());
    String problems = j.get("problems").toString();
    assertTrue(problems.contains("member cp9 is expected but not in the member list"), problems);
    assertTrue(problems.contains("member m3 ("), problems);
    assertEquals(2, j.get("problems").size(), problems);
    assertTrue(r.err().startsWith("etcd-dr: error: cluster unhealthy") && r.err().contains("cp9"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  @Order(5)
  void a_revision_below_the_minimum_is_unhealthy_on_every_member() throws Exception {
    long current = cluster.revision(cluster.member(0));
    CliRun r = health("--min-revision", String.valueOf(current + 1000), "-o", "json");
    assertEquals(5, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    assertEquals(3, j.get("problems").size(), r.out());
    for (EtcdCluster.Member m : cluster.members()) {
      assertTrue(j.get("problems").toString().contains(m.clientUrl() + " (member " + m.name() + "): revision "),
          r.out());
    }
  }

  @Test
  @Order(6)
  void hashing_a_compacted_revision_is_a_problem_of_each_member() throws Exception {
    CliRun r = health("--hash-revision", "1", "-o", "json");
    assertEquals(5, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    assertEquals(3, j.get("problems").size(), r.out());
    assertTrue(j.get("problems").get(0).asText().contains("hashkv at revision 1 failed"), r.out());
  }

  @Test
  @Order(7)
  void certificates_from_another_ca_are_a_tls_error_not_a_report() throws Exception {
    Path otherCa = TestPki.unrelatedCa(work.resolve("other-ca"));
    List<String> args = new ArrayList<>(List.of(concat(new String[] {"cluster", "health", "--endpoints",
        endpoints(), "-o", "json"}, tls())));
    args.set(args.indexOf("--cacert") + 1, otherCa.toString());
    CliRun r = CliRun.of(args.toArray(String[]::new));
    assertEquals(4, r.exitCode(), r.toString());
    assertEquals("tls", json.readTree(r.out()).get("error").get("kind").asText(), r.out());
  }

  @Test
  @Order(8)
  void a_stopped_member_is_reported_unreachable_quickly_and_the_rest_still_checked() throws Exception {
    // A follower: stopping the leader would also test an election, which is not what this is about.
    JsonNode before = json.readTree(health("-o", "json").out());
    int index = before.get("endpoints").get(2).get("is_leader").asBoolean() ? 1 : 2;
    EtcdCluster.Member dead = cluster.member(index);
    cluster.stopMember(dead);
    long started = System.nanoTime();
    CliRun r = health("--hash", "--count-keys", "/registry/", "--expect-members", "m1,m2,m3", "-o", "json");
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertEquals(5, r.exitCode(), r.toString());
    assertTrue(seconds < 10, "took " + seconds + "s with --timeout 3s");
    JsonNode j = json.readTree(r.out());
    JsonNode down = j.get("endpoints").get(index);
    assertEquals(dead.clientUrl(), down.get("endpoint").asText());
    assertFalse(down.get("reachable").asBoolean());
    assertFalse(down.get("error").asText().isEmpty(), down.toString());
    assertEquals(dead.name(), down.get("member_name").asText(), "named from the member list");
    assertTrue(down.get("hash_kv").isNull());
    assertEquals(1, j.get("problems").size(), r.out());
    assertTrue(j.get("problems").get(0).asText().startsWith(dead.clientUrl() + " (member " + dead.name()
        + "): unreachable"), r.out());
    assertEquals(j.get("endpoints").get(0).get("hash_kv"), j.get("endpoints").get(3 - index).get("hash_kv"));
    assertTrue(j.get("endpoints").get(0).get("hash_kv").isNumber(), r.out());
    assertEquals(expected, counts(j.get("key_counts")));
    assertTrue(j.get("cluster_id").asText().matches("[0-9a-f]{16}"));

    CliRun text = health();
    assertEquals(5, text.exitCode(), text.toString());
    assertTrue(text.out().contains("UNREACHABLE") && text.out().contains("cluster is UNHEALTHY: 1 problem(s)"),
        text.out());
  }

  @Test
  @Order(9)
  void etcd_3_4_answers_the_same_checks() throws Exception {
    try (EtcdCluster c34 = EtcdCluster.start(EtcdVersion.V3_4, work.resolve("c34"), 3, SUBNET)) {
      EtcdCluster.Member m = c34.member(0);
      c34.putKeys("/registry/leases/kube-node-lease/n", 3, 10);
      c34.etcdctl(m, "put", "/registry/health", "ok").requireSuccess();
      String eps = c34.members().stream().map(EtcdCluster.Member::clientUrl).collect(Collectors.joining(","));
      CliRun r = CliRun.of(concat(new String[] {"cluster", "health", "--endpoints", eps, "--hash", "--expect-members",
          "m1,m2,m3", "--count-keys", "/registry/", "-o", "json"}, tls(c34)));
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode j = json.readTree(r.out());
      assertEquals(Map.of("/registry/health", 1L, "/registry/leases/", 3L), counts(j.get("key_counts")));
      assertEquals(1, Stream.of(0, 1, 2).map(i -> j.get("endpoints").get(i).get("hash_kv").asText()).distinct()
          .count(), r.out());
      assertEquals("3.4.23", j.get("endpoints").get(0).get("version").asText());
    }
  }

  private CliRun health(String... args) {
    return CliRun.of(concat(concat(new String[] {"cluster", "health", "--endpoints", endpoints()}, tls()), args));
  }

  private String endpoints() {
    return cluster.members().stream().map(EtcdCluster.Member::clientUrl).collect(Collectors.joining(","));
  }

  private String[] tls() {
    return tls(cluster);
  }

  private static String[] tls(EtcdCluster c) {
    Path pki = c.pki().pkiDir("m1");
    return new String[] {"--cacert", pki.resolve("etcd/ca.crt").toString(), "--cert",
        pki.resolve("apiserver-etcd-client.crt").toString(), "--key",
        pki.resolve("apiserver-etcd-client.key").toString(), "--timeout", "3s"};
  }

  /** Puts keys 100 to a transaction (etcd allows 128 operations), through etcdctl reading the txn from a file. */
  private void putAll(EtcdCluster.Member m, List<String> keys, String value) throws Exception {
    Path etcdPki = cluster.pki().pkiDir(m.name()).resolve("etcd");
    String etcdctl = String.join(" ", EtcdVersion.V3_5.bin("etcdctl").toString(), "--endpoints=" + m.clientUrl(),
        "--cacert=" + etcdPki.resolve("ca.crt"), "--cert=" + etcdPki.resolve("healthcheck-client.crt"),
        "--key=" + etcdPki.resolve("healthcheck-client.key"));
    for (int from = 0; from < keys.size(); from += 100) {
      StringBuilder txn = new StringBuilder("\n");
      keys.subList(from, Math.min(keys.size(), from + 100)).forEach(k -> txn.append("put ").append(k).append(' ')
          .append(value).append('\n'));
      txn.append("\n\n");
      Path file = work.resolve("txn");
      Files.writeString(file, txn);
      Proc.Result r = Proc.run(List.of("bash", "-c", etcdctl + " txn < " + file), Map.of("ETCDCTL_API", "3"), null,
          60).requireSuccess();
      assertTrue(r.stdout().startsWith("SUCCESS"), r.stdout());
    }
  }

  private static long minRevision(JsonNode report) {
    long min = Long.MAX_VALUE;
    for (JsonNode e : report.get("endpoints")) {
      min = Math.min(min, e.get("revision").asLong());
    }
    return min;
  }

  private static Set<String> names(JsonNode members) {
    Set<String> names = new HashSet<>();
    members.forEach(m -> names.add(m.get("name").asText()));
    return names;
  }

  private static Map<String, Long> counts(JsonNode object) {
    assertNotEquals(null, object);
    Map<String, Long> counts = new TreeMap<>();
    object.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
    return counts;
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
