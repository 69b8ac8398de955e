package dev.etcddr.cluster;

import java.util.List;
import java.util.Map;

/**
 * {@code cluster health -o json}. Field names are a stable contract read by the restore playbook: add fields,
 * never rename.
 *
 * @param healthy true exactly when {@code problems} is empty
 * @param clusterId the one cluster ID every reachable endpoint reported; empty when they disagree or none answered
 * @param revision the highest revision any endpoint reported; 0 when none answered
 * @param members the member list as the first reachable endpoint sees it
 * @param keyCounts live keys per group under --count-keys' prefix; null when not asked or not counted
 * @param unleasedKeyCounts the same, counting only keys on no lease; null when not counted
 * @param keyCountRevision the revision the keys were counted at; null when not counted
 * @param problems one line per problem, naming the endpoint or member
 * @param unanswered endpoints that did not answer but were not counted as problems (--quorum), with why
 * @param diagnosis which disaster this is, if any, and the playbook that fits it
 */
public record HealthReport(
    boolean healthy,
    String clusterId,
    long revision,
    List<MemberReport> members,
    List<EndpointReport> endpoints,
    Map<String, Long> keyCounts,
    Map<String, Long> unleasedKeyCounts,
    Long keyCountRevision,
    List<String> problems,
    List<String> unanswered,
    Diagnosis diagnosis) {

  HealthReport withProblem(String problem) {
    List<String> more = new java.util.ArrayList<>(problems);
    more.add(problem);
    return new HealthReport(false, clusterId, revision, members, endpoints, keyCounts, unleasedKeyCounts,
        keyCountRevision, List.copyOf(more), unanswered, Diagnosis.of(endpoints, members, more));
  }
}
