package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.etcd.MemberStatus;
import dev.etcddr.snapshot.SourceSelector.Probe;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceSelectorTest {
  private static MemberStatus member(String ep, long id, long revision, long leader, List<String> errors) {
    return new MemberStatus(ep, 7, id, "m" + id, "3.5.16", revision, 100, 2, 20480, leader, errors);
  }

  @Test
  void the_highest_revision_wins_not_the_first_endpoint() {
    var choice = SourceSelector.choose(List.of(
        Probe.answered(member("a", 1, 90, 1, List.of())),
        Probe.answered(member("b", 2, 120, 1, List.of())),
        Probe.answered(member("c", 3, 110, 1, List.of()))));
    assertEquals("b", choice.source().endpoint());
    assertEquals(2, choice.passedOver().size());
  }

  @Test
  void ties_go_to_the_leader_then_to_the_order_given() {
    assertEquals("b", SourceSelector.choose(List.of(
        Probe.answered(member("a", 1, 100, 2, List.of())),
        Probe.answered(member("b", 2, 100, 2, List.of())))).source().endpoint());
    assertEquals("a", SourceSelector.choose(List.of(
        Probe.answered(member("a", 1, 100, 9, List.of())),
        Probe.answered(member("b", 2, 100, 9, List.of())))).source().endpoint());
  }

  @Test
  void down_and_unhealthy_members_are_passed_over_with_the_reason() {
    var choice = SourceSelector.choose(List.of(
        Probe.failed("a", "nothing accepts connections"),
        Probe.answered(member("b", 2, 500, 0, List.of())),
        Probe.answered(member("c", 3, 400, 1, List.of("NOSPACE"))),
        Probe.answered(member("d", 4, 100, 1, List.of()))));
    assertEquals("d", choice.source().endpoint(), "a member without leader or with alarms is never the source");
    String report = String.join("\n", choice.passedOver());
    assertTrue(report.contains("a: nothing accepts connections"), report);
    assertTrue(report.contains("b: unhealthy (no leader)"), report);
    assertTrue(report.contains("c: unhealthy (errors: NOSPACE)"), report);
  }

  @Test
  void no_healthy_member_is_an_error_listing_every_endpoint() {
    var e = assertThrows(EtcdUnavailableException.class, () -> SourceSelector.choose(List.of(
        Probe.failed("a", "timeout"), Probe.answered(member("b", 2, 5, 0, List.of())))));
    assertTrue(e.getMessage().contains("a: timeout") && e.getMessage().contains("b: unhealthy"), e.getMessage());
  }

  @Test
  void endpoints_of_two_clusters_are_refused() {
    MemberStatus other = new MemberStatus("x", 8, 9, "x", "3.5.16", 999, 1, 1, 1, 9, List.of());
    var e = assertThrows(EtcdUnavailableException.class, () -> SourceSelector.choose(List.of(
        Probe.answered(member("a", 1, 5, 1, List.of())), Probe.answered(other))));
    assertTrue(e.getMessage().contains("2 different clusters"), e.getMessage());
  }
}
