package dev.etcddr.snapshot;

import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.etcd.MemberStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Picks the member to take a snapshot from: a healthy one (has a leader, no alarms) with the highest revision, so
 * a lagging or partitioned member is never the source. Ties go to the leader, then to the order given. Refuses
 * when the healthy members do not all report one cluster ID: the endpoints then name more than one cluster.
 */
public final class SourceSelector {
  private SourceSelector() {}

  /** One endpoint's answer: a status, or why there is none. */
  public record Probe(String endpoint, Optional<MemberStatus> status, Optional<String> error) {
    public static Probe answered(MemberStatus s) {
      return new Probe(s.endpoint(), Optional.of(s), Optional.empty());
    }

    public static Probe failed(String endpoint, String why) {
      return new Probe(endpoint, Optional.empty(), Optional.of(why));
    }
  }

  /** The chosen member and, for the report, every endpoint passed over with the reason. */
  public record Choice(MemberStatus source, List<String> passedOver) {}

  public static Choice choose(List<Probe> probes) {
    List<MemberStatus> healthy = new ArrayList<>();
    List<String> passedOver = new ArrayList<>();
    for (Probe p : probes) {
      if (p.status().isEmpty()) {
        passedOver.add(p.endpoint() + ": " + p.error().orElse("no answer"));
      } else if (!p.status().get().healthy()) {
        MemberStatus s = p.status().get();
        passedOver.add(p.endpoint() + ": unhealthy ("
            + (s.leaderId() == 0 ? "no leader" : "errors: " + String.join("; ", s.errors())) + ")");
      } else {
        healthy.add(p.status().get());
      }
    }
    if (healthy.isEmpty()) {
      throw new EtcdUnavailableException("no healthy etcd member to take a snapshot from: "
          + String.join("; ", passedOver));
    }
    long clusters = healthy.stream().map(MemberStatus::clusterId).distinct().count();
    if (clusters > 1) {
      throw new EtcdUnavailableException("the endpoints belong to " + clusters + " different clusters ("
          + healthy.stream().map(s -> s.endpoint() + " is cluster " + Long.toHexString(s.clusterId()))
              .collect(Collectors.joining(", ")) + "); give endpoints of one cluster");
    }
    MemberStatus best = healthy.stream()
        .max(Comparator.comparingLong(MemberStatus::revision)
            .thenComparing(MemberStatus::isLeader)
            .thenComparing(Comparator.comparingInt((MemberStatus s) -> healthy.indexOf(s)).reversed()))
        .orElseThrow();
    for (MemberStatus s : healthy) {
      if (s != best) {
        passedOver.add(s.endpoint() + ": revision " + s.revision() + " (chosen member has " + best.revision() + ")");
      }
    }
    return new Choice(best, passedOver);
  }
}
