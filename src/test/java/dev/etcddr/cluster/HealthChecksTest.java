package dev.etcddr.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.access.AccessOptions;
import dev.etcddr.etcd.HashKv;
import dev.etcddr.etcd.MemberStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The states a healthy test cluster cannot show: split clusters, two leaders, unstarted members, learners. */
class HealthChecksTest {
  private static final long CLUSTER = 0xaaL;
  private static final AccessOptions ACCESS = new AccessOptions(Path.of("etcd.yaml"), List.of(), Optional.empty(),
      Optional.empty(), Optional.empty(), Duration.ofSeconds(1));

  private static EndpointReport member(int n, long cluster, long leader, String... errors) {
    return EndpointReport.answered(new MemberStatus("https://10.0.0." + n + ":2379", cluster, n, "cp" + n, "3.5.16",
        100 + n, 200, 2, 4096, leader, List.of(errors)));
  }

  private static MemberReport listed(int n, String name, boolean learner) {
    return new MemberReport(Ids.hex(n), name, List.of("https://10.0.0." + n + ":2380"), List.of(), learner);
  }

  private static final List<MemberReport> THREE = List.of(listed(1, "cp1", false), listed(2, "cp2", false),
      listed(3, "cp3", false));

  private static HealthRequest request(Optional<List<String>> expect, Optional<Long> minRevision) {
    return new HealthRequest(ACCESS, false, Optional.empty(), Optional.empty(), expect, minRevision, false,
        Optional.empty());
  }

  @Test
  void three_agreeing_members_have_no_problems() {
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1), member(2, CLUSTER, 1), member(3, CLUSTER, 1));
    assertEquals(List.of(), HealthChecks.problems(e, THREE,
        request(Optional.of(List.of("cp3", "cp2", "cp1")), Optional.of(101L))));
  }

  @Test
  void endpoints_of_two_clusters_and_two_leaders_are_named() {
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1), member(2, CLUSTER, 1), member(3, 0xbbL, 3));
    assertEquals(List.of(
        "the endpoints are not one cluster: cluster 00000000000000aa at https://10.0.0.1:2379 (member cp1),"
            + " https://10.0.0.2:2379 (member cp2); cluster 00000000000000bb at https://10.0.0.3:2379 (member cp3)",
        "members disagree on the leader: leader cp1 (0000000000000001) at https://10.0.0.1:2379 (member cp1),"
            + " https://10.0.0.2:2379 (member cp2); leader cp3 (0000000000000003) at https://10.0.0.3:2379"
            + " (member cp3)"),
        HealthChecks.problems(e, THREE, request(Optional.empty(), Optional.empty())));
  }

  @Test
  void no_leader_alarms_and_a_member_outside_the_list() {
    List<EndpointReport> e = List.of(member(1, CLUSTER, 0), member(2, CLUSTER, 2, "NOSPACE"),
        member(4, CLUSTER, 2));
    assertEquals(List.of(
        "https://10.0.0.1:2379 (member cp1): has no leader (lost quorum, or cut off from the other members)",
        "https://10.0.0.2:2379 (member cp2): reports errors (alarms): NOSPACE",
        "https://10.0.0.4:2379 (member cp4): member 0000000000000004 is not in the member list"),
        HealthChecks.problems(e, THREE, request(Optional.empty(), Optional.empty())));
  }

  @Test
  void unstarted_members_and_learners_fail_the_expected_member_list() {
    List<MemberReport> members = List.of(listed(1, "cp1", false), listed(2, "cp2", true), listed(3, "", false));
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1));
    assertEquals(List.of(
        "member cp3 is expected but not in the member list",
        "member cp2 is a learner, not a voting member",
        "member 0000000000000003 (peer https://10.0.0.3:2380) has no name: added but never started"),
        HealthChecks.problems(e, members, request(Optional.of(List.of("cp1", "cp2", "cp3")), Optional.empty())));
  }

  @Test
  void different_hashes_are_one_problem_naming_each_side() {
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1).withHash(new HashKv(7, 101, 50)),
        member(2, CLUSTER, 1).withHash(new HashKv(7, 101, 50)), member(3, CLUSTER, 1).withHash(new HashKv(9, 101, 50)));
    assertEquals(List.of("hashkv differs at revision 101 (the members' data diverged): hash 7 at"
        + " https://10.0.0.1:2379 (member cp1), https://10.0.0.2:2379 (member cp2); hash 9 at https://10.0.0.3:2379"
        + " (member cp3)"), HealthChecks.problems(e, THREE, request(Optional.empty(), Optional.empty())));
  }

  private static HealthRequest quorum(Optional<String> clusterId) {
    return new HealthRequest(ACCESS, false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        true, clusterId);
  }

  private static EndpointReport down(int n) {
    return EndpointReport.unreachable("https://10.0.0." + n + ":2379", "connection refused", Ids.hex(n), "cp" + n);
  }

  @Test
  void with_quorum_a_lost_member_is_tolerated_while_a_majority_answers() {
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1), member(2, CLUSTER, 1), down(3));
    assertEquals(List.of(), HealthChecks.problems(e, THREE, quorum(Optional.of(Ids.hex(CLUSTER)))));
    assertEquals(List.of("https://10.0.0.3:2379 (member cp3): unreachable: connection refused"),
        HealthChecks.unanswered(e));
    assertEquals(List.of("https://10.0.0.3:2379 (member cp3): unreachable: connection refused"),
        HealthChecks.problems(e, THREE, request(Optional.empty(), Optional.empty())), "without --quorum it counts");
  }

  @Test
  void with_quorum_one_of_three_is_not_enough_and_a_leaderless_member_does_not_count() {
    List<EndpointReport> one = List.of(member(1, CLUSTER, 1), down(2), down(3));
    assertEquals(List.of("no quorum: 1 of 3 voting members answer healthy, 2 needed"),
        HealthChecks.problems(one, THREE, quorum(Optional.empty())));
    List<EndpointReport> leaderless = List.of(member(1, CLUSTER, 0), member(2, CLUSTER, 0), down(3));
    List<String> p = HealthChecks.problems(leaderless, THREE, quorum(Optional.empty()));
    assertEquals("no quorum: 0 of 3 voting members answer healthy, 2 needed", p.get(p.size() - 1), p.toString());
  }

  @Test
  void learners_do_not_make_a_quorum() {
    List<MemberReport> members = List.of(listed(1, "cp1", false), listed(2, "cp2", false), listed(3, "cp3", true));
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1), down(2), member(3, CLUSTER, 1));
    assertEquals(List.of("no quorum: 1 of 2 voting members answer healthy, 2 needed"),
        HealthChecks.problems(e, members, quorum(Optional.empty())));
  }

  @Test
  void another_cluster_than_expected_is_named() {
    List<EndpointReport> e = List.of(member(1, CLUSTER, 1), member(2, CLUSTER, 1), member(3, CLUSTER, 1));
    assertEquals(List.of(
        "https://10.0.0.1:2379 (member cp1): cluster 00000000000000aa is not the expected cluster 00000000000000bb",
        "https://10.0.0.2:2379 (member cp2): cluster 00000000000000aa is not the expected cluster 00000000000000bb",
        "https://10.0.0.3:2379 (member cp3): cluster 00000000000000aa is not the expected cluster 00000000000000bb"),
        HealthChecks.problems(e, THREE, quorum(Optional.of(Ids.hex(0xbbL)))));
  }
}
