package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.RetryingWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code member remove | add-learner | promote} on real 3-member clusters (etcd 3.4.23 and 3.5.16): a member whose
 * data is lost comes back as a voter while a writer keeps writing through another member, and every write is
 * there afterwards; each step repeated reports itself done; a learner that cannot catch up (SIGSTOPped) is not
 * promoted. The member list is read back with etcdctl, not with our own output.
 */
class MemberReplaceIT {
  private static final String NET = "127.0.19";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @ParameterizedTest
  @EnumSource(EtcdVersion.class)
  void a_member_whose_data_is_lost_comes_back_as_a_voter(EtcdVersion version) throws Exception {
    try (EtcdCluster c = EtcdCluster.start(version, work.resolve("c"), 3, NET)) {
      EtcdCluster.Member m1 = c.member(0);
      EtcdCluster.Member m2 = c.member(1);
      EtcdCluster.Member m3 = c.member(2);
      c.putKeys("/registry/before/k", 200, 512);
      String voters = m1.clientUrl() + "," + m2.clientUrl();

      // Refusals first: nothing changes.
      CliRun up = member(c, voters, "remove", "m2", "--expect-down");
      assertEquals(14, up.exitCode(), up.toString());
      assertTrue(up.err().contains("still answers"), up.toString());
      CliRun taken = member(c, voters, "add-learner", "x", "--peer-urls", m1.peerUrl());
      assertEquals(14, taken.exitCode(), taken.toString());
      assertEquals(3, voterNames(c, m1).size());

      // m3's disk dies.
      c.stopMember(m3);
      deleteTree(m3.dataDir());
      Files.createDirectories(m3.dataDir());
      String all = voters + "," + m3.clientUrl();
      JsonNode down = diagnosis(c, all);
      assertEquals("member_down", down.get("state").asText(), down.toString());
      assertEquals("[\"m3\"]", down.get("down_members").toString());

      RetryingWriter writer = RetryingWriter.start("/registry/during/k", (k, v) -> c.etcdctl(m1, "put", k, v));
      try {
        JsonNode removed = json(member(c, voters, "remove", "m3", "--expect-down"));
        assertEquals("removed", removed.get("outcome").asText());
        assertEquals("already_removed", json(member(c, voters, "remove", "m3")).get("outcome").asText());
        assertEquals(List.of("m1", "m2"), voterNames(c, m1));

        JsonNode added = json(member(c, voters, "add-learner", "m3", "--peer-urls", m3.peerUrl()));
        assertEquals("added", added.get("outcome").asText());
        String initialCluster = added.get("initial_cluster").asText();
        assertEquals(List.of("m1=" + m1.peerUrl(), "m2=" + m2.peerUrl(), "m3=" + m3.peerUrl()),
            Stream.of(initialCluster.split(",")).sorted().toList());
        assertEquals("already_learner", json(member(c, voters, "add-learner", "m3", "--peer-urls", m3.peerUrl()))
            .get("outcome").asText());
        assertTrue(learner(c, m1, m3.peerUrl()), "etcdctl lists m3 as a learner");
        JsonNode pending = diagnosis(c, all);
        assertEquals("learner_pending", pending.get("state").asText(), pending.toString());
        assertTrue(pending.get("learners").get(0).get("lag").isNull(), "not started: " + pending);

        c.startJoining(m3, initialCluster);
        JsonNode promoted = json(member(c, voters, "promote", "m3", "--wait", "90s", "--max-lag", "50"));
        assertEquals("promoted", promoted.get("outcome").asText());
        assertTrue(promoted.get("lag").asLong() <= 50, promoted.toString());
        assertEquals("already_voter", json(member(c, voters, "promote", "m3")).get("outcome").asText());
      } finally {
        writer.stop();
      }
      assertTrue(writer.longestOutageMs() < 15_000, "writes failed for " + writer.longestOutageMs() + " ms while m3"
          + " was replaced: " + writer.errors());
      assertTrue(writer.written() > 0);
      assertEquals(List.of("m1", "m2", "m3"), voterNames(c, m1));
      assertFalse(learner(c, m1, m3.peerUrl()));

      // Every write, through m3 itself once it has applied them all: equal hashes at one revision.
      CliRun health = CliRun.of(concat(new String[] {"cluster", "health", "--endpoints", all, "--hash",
          "--expect-members", "m1,m2,m3", "--wait", "60s"}, tls(c)));
      assertEquals(0, health.exitCode(), health.toString());
      awaitCount(c, m3, "/registry/during/", writer.written());
      awaitCount(c, m3, "/registry/before/", 200);
    }
  }

  @ParameterizedTest
  @EnumSource(EtcdVersion.class)
  void a_learner_that_cannot_catch_up_is_not_promoted(EtcdVersion version) throws Exception {
    try (EtcdCluster c = EtcdCluster.start(version, work.resolve("s"), 3, NET)) {
      EtcdCluster.Member m1 = c.member(0);
      EtcdCluster.Member m3 = c.member(2);
      c.putKeys("/registry/k", 50, 256);
      String voters = m1.clientUrl() + "," + c.member(1).clientUrl();
      c.stopMember(m3);
      deleteTree(m3.dataDir());
      Files.createDirectories(m3.dataDir());
      json(member(c, voters, "remove", "m3", "--expect-down"));
      JsonNode added = json(member(c, voters, "add-learner", "m3", "--peer-urls", m3.peerUrl()));
      c.startJoining(m3, added.get("initial_cluster").asText());
      long pid = c.pid(m3);
      Proc.run(List.of("kill", "-STOP", String.valueOf(pid))).requireSuccess();
      try {
        // By ID: a learner stopped this early may never have published its name.
        CliRun stuck = member(c, voters, "promote", added.get("member_id").asText(), "--wait", "6s", "--timeout",
            "2s");
        assertEquals(14, stuck.exitCode(), stuck.toString());
        assertTrue(stuck.err().contains("did not catch up within 6s"), stuck.toString());
        assertTrue(learner(c, m1, m3.peerUrl()), "still a learner");
        assertEquals(List.of("m1", "m2"), voterNames(c, m1));
      } finally {
        Proc.run(List.of("kill", "-CONT", String.valueOf(pid)));
      }
      // The rollback of a replace: the learner goes again, the two voters serve.
      assertEquals(added.get("member_id").asText(), memberId(c, m1, m3.peerUrl()));
      assertEquals("removed", json(member(c, voters, "remove", added.get("member_id").asText())).get("outcome")
          .asText());
      c.stopMember(m3);
      assertEquals(List.of("m1", "m2"), voterNames(c, m1));
      assertEquals(0, c.etcdctl(m1, "put", "/registry/after", "x").exitCode());
      // One of the two voters lost as well: no quorum, so a restore and not a replace.
      c.stopMember(c.member(1));
      JsonNode lost = diagnosis(c, voters);
      assertEquals("quorum_lost", lost.get("state").asText(), lost.toString());
      assertTrue(lost.get("advice").asText().contains("playbooks/restore.yml"), lost.toString());
    }
  }

  /** {@code cluster health --quorum}'s diagnosis over the given endpoints. */
  private static JsonNode diagnosis(EtcdCluster c, String endpoints) throws Exception {
    CliRun r = CliRun.of(concat(new String[] {"cluster", "health", "--endpoints", endpoints, "--quorum", "--timeout",
        "3s", "-o", "json"}, tls(c)));
    return JSON.readTree(r.out()).get("diagnosis");
  }

  private static CliRun member(EtcdCluster c, String endpoints, String... args) {
    List<String> argv = new ArrayList<>(List.of("member"));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--endpoints", endpoints, "-o", "json"));
    return CliRun.of(concat(argv.toArray(String[]::new), tls(c)));
  }

  private static String[] tls(EtcdCluster c) {
    Path pki = c.pki().pkiDir("m1");
    return new String[] {"--cacert", pki.resolve("etcd/ca.crt").toString(), "--cert",
        pki.resolve("apiserver-etcd-client.crt").toString(), "--key",
        pki.resolve("apiserver-etcd-client.key").toString()};
  }

  private static JsonNode json(CliRun r) throws Exception {
    assertEquals(0, r.exitCode(), r.toString());
    return JSON.readTree(r.out());
  }

  /** Started voting members by name, from etcdctl member list. */
  private static List<String> voterNames(EtcdCluster c, EtcdCluster.Member via) throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode m : memberList(c, via)) {
      if (!m.path("isLearner").asBoolean(false)) {
        names.add(m.path("name").asText(""));
      }
    }
    return names.stream().sorted().toList();
  }

  private static boolean learner(EtcdCluster c, EtcdCluster.Member via, String peerUrl) throws Exception {
    for (JsonNode m : memberList(c, via)) {
      if (m.path("peerURLs").toString().contains(peerUrl)) {
        return m.path("isLearner").asBoolean(false);
      }
    }
    return false;
  }

  private static String memberId(EtcdCluster c, EtcdCluster.Member via, String peerUrl) throws Exception {
    for (JsonNode m : memberList(c, via)) {
      if (m.path("peerURLs").toString().contains(peerUrl)) {
        return String.format("%016x", new java.math.BigInteger(m.get("ID").asText()));
      }
    }
    throw new AssertionError("no member with " + peerUrl);
  }

  private static JsonNode memberList(EtcdCluster c, EtcdCluster.Member via) throws Exception {
    return JSON.readTree(c.etcdctl(via, "member", "list", "-w", "json").requireSuccess().stdout()).get("members");
  }

  /**
   * Waits until m itself serves {@code expected} keys under prefix (a serializable read: what m has applied, with
   * no round trip to the leader), for at most 30 s.
   */
  private static void awaitCount(EtcdCluster c, EtcdCluster.Member m, String prefix, long expected)
      throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    long seen = -1;
    while (System.nanoTime() < deadline) {
      String fields = c.etcdctl(m, "get", prefix, "--prefix", "--count-only", "--consistency=s", "-w", "fields")
          .requireSuccess().stdout();
      java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"Count\" : (\\d+)").matcher(fields);
      seen = count.find() ? Long.parseLong(count.group(1)) : -1;
      if (seen == expected) {
        return;
      }
      Thread.sleep(200);
    }
    assertEquals(expected, seen, m.name() + " serves every key under " + prefix);
  }

  private static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
