package dev.etcddr.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks of {@code cluster health} on what the endpoints answered, without any network: one line per problem,
 * each naming the endpoint or member at fault, so a playbook can show the operator what to look at.
 */
final class HealthChecks {
  private HealthChecks() {}

  static List<String> problems(List<EndpointReport> endpoints, List<MemberReport> members, HealthRequest request) {
    List<String> problems = new ArrayList<>();
    List<EndpointReport> up = endpoints.stream().filter(EndpointReport::reachable).toList();
    for (EndpointReport e : endpoints) {
      if (!e.reachable()) {
        if (!request.quorum()) {
          problems.add(e.who() + ": unreachable: " + e.error());
        }
      } else if (e.leaderId().isEmpty()) {
        problems.add(e.who() + ": has no leader (lost quorum, or cut off from the other members)");
      }
      if (!e.errors().isEmpty()) {
        problems.add(e.who() + ": reports errors (alarms): " + String.join("; ", e.errors()));
      }
    }
    Map<String, List<String>> byCluster = grouped(up, EndpointReport::clusterId);
    if (byCluster.size() > 1) {
      problems.add("the endpoints are not one cluster: " + describe(byCluster, "cluster "));
    }
    Map<String, List<String>> byLeader = grouped(up.stream().filter(e -> !e.leaderId().isEmpty()).toList(),
        e -> nameOf(e.leaderId(), members));
    if (byLeader.size() > 1) {
      problems.add("members disagree on the leader: " + describe(byLeader, "leader "));
    }
    if (!members.isEmpty()) {
      Set<String> ids = members.stream().map(MemberReport::id).collect(Collectors.toSet());
      for (EndpointReport e : up) {
        if (!ids.contains(e.memberId())) {
          problems.add(e.who() + ": member " + e.memberId() + " is not in the member list");
        }
      }
    }
    request.expectClusterId().ifPresent(id -> up.stream().filter(e -> !e.clusterId().equals(id)).forEach(e ->
        problems.add(e.who() + ": cluster " + e.clusterId() + " is not the expected cluster " + id)));
    request.expectMembers().ifPresent(expected -> checkMembers(members, expected, up.isEmpty(), problems));
    if (request.quorum()) {
      quorum(up, members, problems);
    }
    request.minRevision().ifPresent(min -> up.stream().filter(e -> e.revision() < min).forEach(e ->
        problems.add(e.who() + ": revision " + e.revision() + " is below --min-revision " + min)));
    List<EndpointReport> hashed = up.stream().filter(e -> e.hashKv() != null).toList();
    // Members asked for "the current revision" may answer for different ones: then the revision is part of the hash.
    boolean oneRevision = hashed.stream().map(EndpointReport::hashRevision).distinct().count() <= 1;
    Map<String, List<String>> byHash = grouped(hashed,
        e -> oneRevision ? String.valueOf(e.hashKv()) : e.hashKv() + " at revision " + e.hashRevision());
    if (byHash.size() > 1) {
      problems.add(oneRevision
          ? "hashkv differs at revision " + hashed.get(0).hashRevision() + " (the members' data diverged): "
              + describe(byHash, "hash ")
          : "hashkv taken at different revisions (were writes going on?): " + describe(byHash, "hash "));
    }
    return problems;
  }

  /** Endpoints that did not answer, each with why: with --quorum they are listed apart, not as problems. */
  static List<String> unanswered(List<EndpointReport> endpoints) {
    return endpoints.stream().filter(e -> !e.reachable()).map(e -> e.who() + ": unreachable: " + e.error()).toList();
  }

  /**
   * A majority of the voting members answers with a leader and no alarm. Raft needs no more to serve; the member
   * list is the cluster's own, so a member whose host is lost still counts in the size of the majority.
   */
  private static void quorum(List<EndpointReport> up, List<MemberReport> members, List<String> problems) {
    List<MemberReport> voters = members.stream().filter(m -> !m.isLearner()).toList();
    if (voters.isEmpty()) {
      problems.add("quorum unknown: no endpoint answered with a member list");
      return;
    }
    Set<String> voterIds = voters.stream().map(MemberReport::id).collect(Collectors.toSet());
    long healthy = up.stream().filter(e -> voterIds.contains(e.memberId()) && !e.leaderId().isEmpty()
        && e.errors().isEmpty()).map(EndpointReport::memberId).distinct().count();
    int needed = voters.size() / 2 + 1;
    if (healthy < needed) {
      problems.add("no quorum: " + healthy + " of " + voters.size() + " voting members answer healthy, " + needed
          + " needed");
    }
  }

  private static void checkMembers(List<MemberReport> members, List<String> expected, boolean noneUp,
      List<String> problems) {
    if (noneUp) {
      problems.add("the member list is unknown (no endpoint answered); expected " + String.join(", ", expected));
      return;
    }
    Set<String> names = members.stream().map(MemberReport::name).filter(n -> !n.isEmpty())
        .collect(Collectors.toCollection(LinkedHashSet::new));
    for (String name : expected) {
      if (!names.contains(name)) {
        problems.add("member " + name + " is expected but not in the member list");
      }
    }
    for (MemberReport m : members) {
      if (m.name().isEmpty()) {
        problems.add("member " + m.id() + " (peer " + String.join(",", m.peerUrls()) + ") has no name: added but"
            + " never started");
      } else if (!expected.contains(m.name())) {
        problems.add("member " + m.name() + " (" + m.id() + ") is in the member list but not expected");
      }
      if (m.isLearner()) {
        problems.add("member " + (m.name().isEmpty() ? m.id() : m.name()) + " is a learner, not a voting member");
      }
    }
  }

  /** Endpoints grouped by a value, in the order first seen. */
  private static Map<String, List<String>> grouped(List<EndpointReport> endpoints,
      java.util.function.Function<EndpointReport, String> key) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (EndpointReport e : endpoints) {
      groups.computeIfAbsent(key.apply(e), k -> new ArrayList<>()).add(e.who());
    }
    return groups;
  }

  private static String describe(Map<String, List<String>> groups, String label) {
    return groups.entrySet().stream().map(g -> label + g.getKey() + " at " + String.join(", ", g.getValue()))
        .collect(Collectors.joining("; "));
  }

  private static String nameOf(String id, List<MemberReport> members) {
    return members.stream().filter(m -> m.id().equals(id) && !m.name().isEmpty()).map(m -> m.name() + " (" + id + ")")
        .findFirst().orElse(id);
  }
}
