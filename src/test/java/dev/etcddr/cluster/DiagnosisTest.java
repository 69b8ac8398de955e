package dev.etcddr.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which disaster a set of answers describes; the advice names the playbook that fits it. */
class DiagnosisTest {
  private static final String LEADER = "0000000000000001";

  private static MemberReport voter(int n) {
    return new MemberReport(id(n), "cp" + n, List.of("https://10.0.0." + n + ":2380"),
        List.of("https://10.0.0." + n + ":2379"), false);
  }

  private static MemberReport learner(int n, String name) {
    return new MemberReport(id(n), name, List.of("https://10.0.0." + n + ":2380"),
        name.isEmpty() ? List.of() : List.of("https://10.0.0." + n + ":2379"), true);
  }

  private static String id(int n) {
    return String.format("%016x", n);
  }

  private static EndpointReport up(int n, long revision, String leader) {
    return new EndpointReport("https://10.0.0." + n + ":2379", true, "", id(n), "cp" + n, "00000000000000aa", "3.5.16",
        revision, revision, 2, 20480, leader, leader.equals(id(n)), List.of(), null, null, null);
  }

  private static EndpointReport down(int n) {
    return EndpointReport.unreachable("https://10.0.0." + n + ":2379", "connection refused", id(n), "cp" + n);
  }

  @Test
  void all_answering_is_healthy() {
    Diagnosis d = Diagnosis.of(List.of(up(1, 9, LEADER), up(2, 9, LEADER), up(3, 9, LEADER)),
        List.of(voter(1), voter(2), voter(3)), List.of());
    assertEquals("healthy", d.state());
  }

  @Test
  void one_member_down_with_quorum_is_a_replace_not_a_restore() {
    Diagnosis d = Diagnosis.of(List.of(up(1, 9, LEADER), up(2, 9, LEADER), down(3)),
        List.of(voter(1), voter(2), voter(3)), List.of("cp3: unreachable"));
    assertEquals("member_down", d.state());
    assertEquals(List.of("cp3"), d.downMembers());
    assertTrue(d.advice().contains("playbooks/replace-member.yml -e etcd_replace_host=cp3"), d.advice());
  }

  @Test
  void two_of_three_down_is_quorum_lost_and_a_restore() {
    // The survivor has no leader: it cannot win an election alone.
    Diagnosis d = Diagnosis.of(List.of(up(1, 9, ""), down(2), down(3)), List.of(voter(1), voter(2), voter(3)),
        List.of("no leader"));
    assertEquals("quorum_lost", d.state());
    assertTrue(d.advice().contains("0 of 3 voting members answer with a leader, 2 needed"), d.advice());
    assertTrue(d.advice().contains("playbooks/restore.yml"), d.advice());
    assertTrue(d.advice().contains("surviving member's data dir"), d.advice());
  }

  @Test
  void quorum_lost_is_seen_without_a_member_list() {
    // A member without a leader may not serve the member list; no leader anywhere is enough to tell.
    Diagnosis d = Diagnosis.of(List.of(up(1, 9, ""), down(2), down(3)), List.of(), List.of("no leader"));
    assertEquals("quorum_lost", d.state());
  }

  @Test
  void a_learner_is_reported_with_its_lag() {
    EndpointReport learnerUp = up(3, 4, LEADER);
    Diagnosis d = Diagnosis.of(List.of(up(1, 10, LEADER), up(2, 9, LEADER), learnerUp),
        List.of(voter(1), voter(2), learner(3, "cp3")), List.of());
    assertEquals("learner_pending", d.state());
    assertEquals(List.of(new Diagnosis.LearnerLag(id(3), "cp3", 6L)), d.learners());
    assertTrue(d.advice().contains("learner cp3 is 6 revision(s) behind"), d.advice());
  }

  @Test
  void a_learner_never_started_has_no_lag() {
    Diagnosis d = Diagnosis.of(List.of(up(1, 10, LEADER), up(2, 10, LEADER)),
        List.of(voter(1), voter(2), learner(3, "")), List.of());
    assertEquals("learner_pending", d.state());
    assertNull(d.learners().get(0).lag());
    assertTrue(d.advice().contains(id(3) + " (never started) does not answer"), d.advice());
  }

  @Test
  void nothing_answering_is_no_answer() {
    assertEquals("no_answer", Diagnosis.of(List.of(down(1), down(2)), List.of(), List.of("x")).state());
  }

  @Test
  void other_problems_are_unhealthy() {
    Diagnosis d = Diagnosis.of(List.of(up(1, 9, LEADER), up(2, 9, LEADER), up(3, 9, LEADER)),
        List.of(voter(1), voter(2), voter(3)), List.of("hashkv differs"));
    assertEquals("unhealthy", d.state());
  }
}
