package dev.etcddr.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.etcd.MemberStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wait loop on a fake clock: healthy ends it, the deadline ends it, a member silent past the grace ends it. */
class HealthWaitTest {
  private Instant now = Instant.parse("2026-12-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  };
  private final HealthWait wait = new HealthWait(clock, d -> now = now.plus(d));

  private static EndpointReport up(int n) {
    return EndpointReport.answered(new MemberStatus("https://10.0.0." + n + ":2379", 0xaa, n, "cp" + n, "3.5.16", 10,
        20, 2, 4096, 1, List.of()));
  }

  private static EndpointReport down(int n) {
    return EndpointReport.unreachable("https://10.0.0." + n + ":2379", "connection refused", "", "");
  }

  private static HealthReport report(boolean healthy, EndpointReport... endpoints) {
    List<String> problems = healthy ? List.of() : List.of("not yet");
    return new HealthReport(healthy, "", 0, List.of(), List.of(endpoints), null, null, null, problems, List.of(),
        Diagnosis.of(List.of(endpoints), List.of(), problems));
  }

  @Test
  void returns_as_soon_as_the_cluster_is_healthy() {
    Deque<HealthReport> answers = new ArrayDeque<>(List.of(report(false, down(1), down(2)),
        report(false, up(1), down(2)), report(true, up(1), up(2))));
    HealthReport r = wait.await(answers::pop, Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofSeconds(30),
        Optional.empty());
    assertTrue(r.healthy());
    assertEquals(Instant.parse("2026-12-01T00:00:04Z"), now);
  }

  @Test
  void gives_up_at_the_deadline_with_the_last_report() {
    HealthReport r = wait.await(() -> report(false, up(1), up(2)), Duration.ofSeconds(10), Duration.ofSeconds(2),
        Duration.ZERO, Optional.empty());
    assertFalse(r.healthy());
    assertEquals(List.of("not yet", "still unhealthy after --wait 10s"), r.problems());
    assertTrue(!now.isAfter(Instant.parse("2026-12-01T00:00:10Z")), now.toString());
  }

  @Test
  void gives_up_early_on_a_member_silent_while_the_others_answer() {
    HealthReport r = wait.await(() -> report(false, up(1), down(2)), Duration.ofSeconds(180), Duration.ofSeconds(2),
        Duration.ofSeconds(20), Optional.empty());
    assertFalse(r.healthy());
    assertEquals("https://10.0.0.2:2379 has not answered for 20s while other members did (is its host down?):"
        + " gave up before the end of --wait 180s", r.problems().get(1));
    assertEquals(Instant.parse("2026-12-01T00:00:20Z"), now);
  }

  @Test
  void no_early_end_while_nobody_answers() {
    HealthReport r = wait.await(() -> report(false, down(1), down(2)), Duration.ofSeconds(30), Duration.ofSeconds(2),
        Duration.ofSeconds(10), Optional.empty());
    assertEquals("still unhealthy after --wait 30s", r.problems().get(1));
  }

  @Test
  void ends_at_once_when_a_member_answers_for_another_cluster() {
    EndpointReport other = EndpointReport.answered(new MemberStatus("https://10.0.0.2:2379", 0xbb, 2, "cp2", "3.5.16",
        10, 20, 2, 4096, 0, List.of()));
    HealthReport r = wait.await(() -> report(false, up(1), other), Duration.ofSeconds(180), Duration.ofSeconds(2),
        Duration.ofSeconds(60), Optional.of(Ids.hex(0xaa)));
    assertEquals("an endpoint answers for another cluster than 00000000000000aa: no wait changes a member's"
        + " cluster, so the wait ends here", r.problems().get(1));
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), now, "no waiting");
  }
}
