package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.RetryingWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ansible-playbook playbooks/replace-member.yml` on one lab per etcd version (3.4.23, 3.5.16; real sshd, kubelet
 * stand-ins), in an order where each step leaves the lab usable: refusals change nothing; cp3's data dir wiped under a
 * running writer comes back as a voter with every write; a learner that cannot catch up (SIGSTOPped) is rolled back
 * and the two others keep serving; the rerun then completes; a host rebuilt with an empty /etc/kubernetes and
 * /var/lib/etcd gets its own configuration back from the newest backup and rejoins. On 3.4 only the steps where etcd
 * itself acts differ by version (the replace, the stuck learner, the rerun); the refusals and the rebuilt host are the
 * play's own logic and run on 3.5. Membership is read with etcdctl, not with the play's output.
 */
class ReplaceMemberPlaybookIT {
  private static final List<String> HOSTS = List.of("cp1", "cp2", "cp3");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  private Lab lab;
  private LabEtcd etcd;
  private LabPlays plays;

  /** The lab's net: its hosts are NET.1, NET.2, NET.3. */
  private String net;

  @ParameterizedTest(name = "etcd {0}")
  @CsvSource({"3.5, 127.0.20", "3.4, 127.0.23"})
  void replaces_a_lost_member_rolls_back_a_stuck_learner_and_refuses_bad_input(String version, String net)
      throws Exception {
    this.net = net;
    // What etcd does differently by version (learner add, promote, a learner's removal) runs on both; the refusals
    // and the rebuilt host only check the play's own logic.
    boolean playLogicToo = version.equals("3.5");
    lab = new Lab(work.resolve("lab"), net);
    try (Lab l = lab) {
      assertEquals(0, lab.up("--etcd", version).exitCode());
      etcd = new LabEtcd(lab, 3);
      plays = new LabPlays(lab, work.resolve("backups"));
      lab.run("seed", "--count", "100").requireSuccess();

      // (c) bad input: refused in preflight, every manifest byte-equal, no etcd restarted. Play logic, the same on
      // every etcd: run on 3.5 only (CI time is plays on two cores).
      if (playLogicToo) {
        Map<String, String> manifests = plays.sha256(HOSTS, "/etc/kubernetes/manifests/*");
        Map<String, Long> etcdPids = pids("etcd");
        Proc.Result unknown = replace("cp9");
        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.stdout().contains("etcd_replace_host='cp9' is not a host of this play's group"),
            unknown.stdout());
        Proc.Result running = replace("cp2");
        assertNotEquals(0, running.exitCode());
        assertTrue(running.stdout().contains("the member of cp2 (cp2, https://" + net + ".2:2379) still answers")
            && running.stdout().contains("etcd_replace_confirm=cp2"), running.stdout());
        Proc.Result check = replace("cp2", "--check", "-e", "etcd_replace_confirm=cp2");
        assertEquals(0, check.exitCode(), check.stdout());
        assertTrue(check.stdout().contains("order: on cp2 move etcd.yaml"), check.stdout());
        assertEquals(manifests, plays.sha256(HOSTS, "/etc/kubernetes/manifests/*"));
        assertEquals(etcdPids, pids("etcd"));
        assertEquals(List.of("cp1", "cp2", "cp3"), voters());
      }

      // (a) cp3's disk is wiped while the cluster runs, and its etcd dies; replaced under a writer on cp1
      Map<String, Long> apiservers = pids("kube-apiserver");
      deleteTree(hostPath("cp3", "var-lib/etcd/member"));
      lab.ssh("cp3", "kill -9 " + pids("etcd").get("cp3")).requireSuccess();
      String cp1 = "https://" + net + ".1:2379";
      long started = System.nanoTime();
      RetryingWriter writer = RetryingWriter.start("/registry/replace-test/k", (k, v) -> etcd.etcdctlAt(cp1, "put", k,
          v));
      Proc.Result replaced = replaceUnder(writer, "cp3");
      System.out.printf("replace of a wiped cp3 took %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
      assertEquals(0, replaced.exitCode(), replaced.stdout() + replaced.stderr());
      assertTrue(replaced.stdout().contains("REPLACED: member cp3 of cp3 is a voting member again"), replaced.stdout());
      assertTrue(writer.longestOutageMs() < 15_000, "writes through cp1 failed for " + writer.longestOutageMs()
          + " ms during the replace: " + writer.errors());
      System.out.printf("writes retried during the replace: %d, longest failing stretch %d ms%n",
          writer.errors().size(), writer.longestOutageMs());
      assertTrue(writer.written() > 0);
      assertEquals(List.of("cp1", "cp2", "cp3"), voters());
      assertEquals(List.of(), learners());
      awaitCount("https://" + net + ".3:2379", "/registry/replace-test/", writer.written());
      assertEquals(Map.of("cp1", apiservers.get("cp1"), "cp2", apiservers.get("cp2")),
          Map.of("cp1", pids("kube-apiserver").get("cp1"), "cp2", pids("kube-apiserver").get("cp2")),
          "no apiserver on cp1 or cp2 was stopped");
      assertEquals(1, hashesAtOneRevision().values().stream().distinct().count(), "hashkv equal");
      try (Stream<Path> kept = Files.list(hostPath("cp3", "var-lib/etcd"))) {
        assertTrue(kept.anyMatch(p -> p.getFileName().toString().startsWith("etcd-dr-replace-")),
            "the old data dir is kept aside");
      }

      // (b) a learner that never catches up: its etcd SIGSTOPped the moment the kubelet starts it → rolled back
      long oldPid = pids("etcd").get("cp3");
      Path out = work.resolve("stuck.out");
      List<String> stuckArgs = new ArrayList<>(List.of("-e", "etcd_replace_host=cp3", "-e", "etcd_replace_confirm=cp3",
          "-e", "etcd_replace_member_promote_wait=10"));
      stuckArgs.addAll(LabPlays.OWN_JAR);
      Process stuck = plays.start(out, "playbooks/replace-member.yml", stuckArgs);
      long learnerPid = awaitNewEtcd("cp3", oldPid, stuck);
      lab.ssh("cp3", "kill -STOP " + learnerPid).requireSuccess();
      assertTrue(stuck.waitFor(600, java.util.concurrent.TimeUnit.SECONDS));
      String stuckOut = Files.readString(out);
      assertNotEquals(0, stuck.exitValue(), stuckOut);
      assertTrue(stuckOut.contains("REPLACE FAILED") && stuckOut.contains("did not catch up within 10s")
          && stuckOut.contains("removed again") && stuckOut.contains("healthy with quorum, serving"), stuckOut);
      assertEquals(List.of("cp1", "cp2"), voters());
      assertEquals(List.of(), learners(), "the learner was removed again");
      assertEquals(0, etcd.etcdctlAt(cp1 + ",https://" + net + ".2:2379", "endpoint", "health").exitCode());
      assertEquals(0, etcd.etcdctlAt(cp1, "put", "/registry/after-rollback", "x").exitCode(), "the cluster serves");
      assertFalse(Files.exists(hostPath("cp3", "etc-kubernetes/manifests/etcd.yaml")), "etcd stays stopped on cp3");

      // the rerun picks the unfinished replace up (no confirmation needed: its folder says it was decided)
      Proc.Result again = replace("cp3");
      assertEquals(0, again.exitCode(), again.stdout() + again.stderr());
      assertEquals(List.of("cp1", "cp2", "cp3"), voters());
      awaitCount("https://" + net + ".3:2379", "/registry/replace-test/", writer.written());

      if (playLogicToo) {
        rebuilt_host_gets_its_own_configuration_back_and_its_member_rejoins();
      }
    }
  }

  /**
   * (d) cp3 "rebuilt": /etc/kubernetes and /var/lib/etcd emptied. Its own bundle from the newest backup gives back its
   * PKI, encryption config and manifests (compared with sha256sum before the wipe), and it rejoins under a writer.
   */
  private void rebuilt_host_gets_its_own_configuration_back_and_its_member_rejoins() throws Exception {
    Proc.Result backup = plays.play("playbooks/backup.yml", LabPlays.OWN_JAR.toArray(String[]::new));
    assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
    String config = "/etc/kubernetes/pki/etcd/* /etc/kubernetes/pki/*.crt /etc/kubernetes/enc/*"
        + " /etc/kubernetes/manifests/kube-*";
    Map<String, String> before = plays.sha256(List.of("cp3"), config);
    Map<String, Long> apiservers = pids("kube-apiserver");
    emptyDir(hostPath("cp3", "etc-kubernetes"));
    emptyDir(hostPath("cp3", "var-lib/etcd"));
    for (int i = 0; i < 600 && (pids("etcd").containsKey("cp3") || pids("kube-apiserver").containsKey("cp3")); i++) {
      Thread.sleep(100); // the kubelet stops what has no manifest any more
    }
    assertFalse(pids("etcd").containsKey("cp3"), "etcd stopped on the emptied cp3");

    Proc.Result plan = replace("cp3", "--check");
    assertEquals(0, plan.exitCode(), plan.stdout() + plan.stderr());
    assertTrue(plan.stdout().contains("cp3 has no etcd manifest: would restore its PKI and static pod manifests"),
        plan.stdout());
    try (Stream<Path> left = Files.list(hostPath("cp3", "etc-kubernetes"))) {
      assertEquals(List.of(), left.toList(), "check mode wrote nothing");
    }

    String cp1 = "https://" + net + ".1:2379";
    RetryingWriter writer = RetryingWriter.start("/registry/rebuild-test/k", (k, v) -> etcd.etcdctlAt(cp1, "put", k,
        v));
    Proc.Result rebuilt = replaceUnder(writer, "cp3");
    assertEquals(0, rebuilt.exitCode(), rebuilt.stdout() + rebuilt.stderr());
    assertTrue(rebuilt.stdout().contains("REPLACED: member cp3 of cp3 is a voting member again"), rebuilt.stdout());
    assertEquals(List.of("cp1", "cp2", "cp3"), voters());
    assertEquals(List.of(), learners());
    awaitCount("https://" + net + ".3:2379", "/registry/rebuild-test/", writer.written());
    assertEquals(before, plays.sha256(List.of("cp3"), config), "cp3's own PKI, encryption config and manifests");
    String manifest = Files.readString(hostPath("cp3", "etc-kubernetes/manifests/etcd.yaml"));
    assertTrue(manifest.contains("--initial-cluster-state=existing"), manifest);
    assertTrue(pids("kube-apiserver").containsKey("cp3"), "cp3's apiserver runs again");
    assertEquals(Map.of("cp1", apiservers.get("cp1"), "cp2", apiservers.get("cp2")),
        Map.of("cp1", pids("kube-apiserver").get("cp1"), "cp2", pids("kube-apiserver").get("cp2")),
        "no apiserver on cp1 or cp2 was stopped");
    assertTrue(writer.longestOutageMs() < 15_000, "writes failed for " + writer.longestOutageMs() + " ms");
  }

  private static void emptyDir(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        deleteTree(p);
      }
    }
  }

  /** The replace of {@code host} while {@code writer} writes; the writer is stopped however the play ends. */
  private Proc.Result replaceUnder(RetryingWriter writer, String host) throws InterruptedException {
    try {
      return replace(host);
    } finally {
      writer.stop();
    }
  }

  private Proc.Result replace(String host, String... extra) {
    List<String> args = new ArrayList<>(List.of("-e", "etcd_replace_host=" + host));
    args.addAll(LabPlays.OWN_JAR);
    args.addAll(List.of(extra));
    return plays.play("playbooks/replace-member.yml", args.toArray(String[]::new));
  }

  private Path hostPath(String host, String relative) {
    return lab.hostPath(host, relative);
  }

  private Map<String, Long> pids(String container) throws Exception {
    return lab.containerPids(HOSTS, container);
  }

  /** Polls the kubelet stand-in's state until the host runs an etcd with another PID than before. */
  private long awaitNewEtcd(String host, long oldPid, Process play) throws Exception {
    for (int i = 0; i < 6000 && play.isAlive(); i++) {
      Long pid = pids("etcd").get(host);
      if (pid != null && pid != oldPid) {
        return pid;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no new etcd started on " + host);
  }

  private JsonNode members() throws Exception {
    return JSON.readTree(etcd.etcdctlAt("https://" + net + ".1:2379", "member", "list", "-w", "json")
        .requireSuccess().stdout()).path("members");
  }

  private List<String> voters() throws Exception {
    List<String> names = new ArrayList<>();
    members().forEach(m -> {
      if (!m.path("isLearner").asBoolean(false)) {
        names.add(m.path("name").asText(""));
      }
    });
    return names.stream().sorted().toList();
  }

  private List<String> learners() throws Exception {
    List<String> ids = new ArrayList<>();
    members().forEach(m -> {
      if (m.path("isLearner").asBoolean(false)) {
        ids.add(m.path("ID").asText());
      }
    });
    return ids;
  }

  /** HashKV of every member at the lowest revision among them (the stand-ins keep writing). */
  private Map<String, Long> hashesAtOneRevision() throws Exception {
    long rev = etcd.status().stream().mapToLong(s -> s.at("/Status/header/revision").asLong()).min().orElseThrow();
    Map<String, Long> hashes = new TreeMap<>();
    for (JsonNode h : JSON.readTree(etcd.etcdctl("endpoint", "hashkv", "--rev", String.valueOf(rev), "-w", "json")
        .requireSuccess().stdout())) {
      hashes.put(h.path("Endpoint").asText(), h.at("/HashKV/hash").asLong());
    }
    assertEquals(3, hashes.size(), hashes.toString());
    return hashes;
  }

  /** Waits until the member at endpoint itself serves {@code expected} keys (a serializable read), for 30 s. */
  private void awaitCount(String endpoint, String prefix, long expected) throws Exception {
    long seen = -1;
    for (int i = 0; i < 150; i++) {
      String fields = etcd.etcdctlAt(endpoint, "get", prefix, "--prefix", "--count-only", "--consistency=s",
          "-w", "fields").stdout();
      Matcher count = Pattern.compile("\"Count\" : (\\d+)").matcher(fields);
      seen = count.find() ? Long.parseLong(count.group(1)) : -1;
      if (seen == expected) {
        return;
      }
      Thread.sleep(200);
    }
    assertEquals(expected, seen, endpoint + " serves every key under " + prefix);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
