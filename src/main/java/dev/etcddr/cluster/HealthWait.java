package dev.etcddr.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code cluster health --wait}: checks again until the cluster is healthy or the wait is over, in one process (a
 * playbook retrying the jar pays a JVM start per attempt). With a grace period it gives up early when an endpoint
 * has not answered for that long while others did: on game day that is a host that went down, and every second
 * spent waiting for it is a second the control plane stays down before the rollback can begin.
 */
public final class HealthWait {
  /** How the wait passes time; tests pass one that moves a fake clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Clock clock;
  private final Sleeper sleeper;

  public HealthWait(Clock clock, Sleeper sleeper) {
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * @param wait how long to keep checking; the last report is returned when it runs out
   * @param interval the pause between checks
   * @param unreachableGrace give up once an endpoint stayed silent this long while another answered; zero = never
   * @param expectClusterId give up at once when an endpoint answers for another cluster: a member's cluster ID is
   *     written in its data, and waiting cannot change it
   */
  public HealthReport await(Supplier<HealthReport> check, Duration wait, Duration interval,
      Duration unreachableGrace, Optional<String> expectClusterId) {
    Instant deadline = clock.instant().plus(wait);
    Map<String, Instant> silentSince = new HashMap<>();
    while (true) {
      HealthReport report = check.get();
      if (report.healthy()) {
        return report;
      }
      if (expectClusterId.isPresent() && report.endpoints().stream().anyMatch(e -> e.reachable()
          && !e.clusterId().equals(expectClusterId.get()))) {
        return report.withProblem("an endpoint answers for another cluster than " + expectClusterId.get()
            + ": no wait changes a member's cluster, so the wait ends here");
      }
      Instant now = clock.instant();
      boolean anyAnswered = false;
      for (EndpointReport e : report.endpoints()) {
        if (e.reachable()) {
          silentSince.remove(e.endpoint());
          anyAnswered = true;
        } else {
          silentSince.putIfAbsent(e.endpoint(), now);
        }
      }
      if (!unreachableGrace.isZero() && anyAnswered) {
        for (EndpointReport e : report.endpoints()) {
          Instant since = silentSince.get(e.endpoint());
          if (since != null && !since.plus(unreachableGrace).isAfter(now)) {
            return report.withProblem(e.who() + " has not answered for " + seconds(Duration.between(since, now))
                + " while other members did (is its host down?): gave up before the end of --wait "
                + seconds(wait));
          }
        }
      }
      if (now.plus(interval).isAfter(deadline)) {
        return report.withProblem("still unhealthy after --wait " + seconds(wait));
      }
      try {
        sleeper.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return report.withProblem("interrupted while waiting");
      }
    }
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
