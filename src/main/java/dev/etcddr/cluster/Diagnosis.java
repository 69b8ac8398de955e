package dev.etcddr.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which disaster the answers describe, and the playbook that fits it. Lost data is not the common case: a lost
 * member with quorum kept is repaired by replacing that member, which keeps every write; only a lost quorum needs a
 * restore, from the freshest source there is.
 *
 * @param state {@code healthy}, {@code member_down} (quorum kept), {@code quorum_lost}, {@code learner_pending},
 *     {@code no_answer} (no endpoint answered), {@code unhealthy} (problems of another kind: alarms, hashes, IDs)
 * @param advice one line for the operator: what is wrong and what to run
 * @param downMembers names (or IDs, for members never started) of the voting members whose endpoints did not answer
 * @param learners every learner, with how far behind it is
 */
public record Diagnosis(String state, String advice, List<String> downMembers, List<LearnerLag> learners) {
  /** @param lag revisions behind the most advanced answering voter; null when the learner did not answer */
  public record LearnerLag(String id, String name, Long lag) {}

  static Diagnosis of(List<EndpointReport> endpoints, List<MemberReport> members, List<String> problems) {
    List<EndpointReport> up = endpoints.stream().filter(EndpointReport::reachable).toList();
    List<MemberReport> voters = members.stream().filter(m -> !m.isLearner()).toList();
    Set<String> voterIds = voters.stream().map(MemberReport::id).collect(Collectors.toSet());
    long voterRevision = up.stream().filter(e -> voterIds.contains(e.memberId())).mapToLong(EndpointReport::revision)
        .max().orElse(0);
    List<LearnerLag> learners = new ArrayList<>();
    for (MemberReport m : members) {
      if (m.isLearner()) {
        Long lag = up.stream().filter(e -> e.memberId().equals(m.id())).findFirst()
            .map(e -> Math.max(0, voterRevision - e.revision())).orElse(null);
        learners.add(new LearnerLag(m.id(), m.name(), lag));
      }
    }
    List<String> down = new ArrayList<>();
    for (EndpointReport e : endpoints) {
      if (!e.reachable() && voterIds.contains(e.memberId())) {
        down.add(e.memberName().isEmpty() ? e.memberId() : e.memberName());
      }
    }
    long healthyVoters = up.stream().filter(e -> voterIds.contains(e.memberId()) && !e.leaderId().isEmpty()
        && e.errors().isEmpty()).map(EndpointReport::memberId).distinct().count();
    int needed = voters.size() / 2 + 1;

    if (up.isEmpty()) {
      return new Diagnosis("no_answer", "no endpoint answered: check etcd and the credentials on the hosts; if the"
          + " members' data is gone, restore every member with playbooks/restore.yml", down, learners);
    }
    boolean noLeaderAnywhere = up.stream().allMatch(e -> e.leaderId().isEmpty());
    if ((!voters.isEmpty() && healthyVoters < needed) || (voters.isEmpty() && noLeaderAnywhere)) {
      String count = voters.isEmpty() ? "no member has a leader"
          : healthyVoters + " of " + voters.size() + " voting members answer with a leader, " + needed + " needed";
      return new Diagnosis("quorum_lost", "quorum lost (" + count + "): restore every member with"
          + " playbooks/restore.yml from the freshest source, the newest snapshot or, when it is newer, a surviving"
          + " member's data dir", down, learners);
    }
    if (!down.isEmpty()) {
      return new Diagnosis("member_down", "quorum kept, " + String.join(", ", down) + " down: replace "
          + (down.size() == 1 ? "it" : "each, one at a time,") + " with playbooks/replace-member.yml -e"
          + " etcd_replace_host=" + down.get(0) + " (no restore: every write is kept)", down, learners);
    }
    if (!learners.isEmpty()) {
      LearnerLag l = learners.get(0);
      String who = l.name().isEmpty() ? l.id() + " (never started)" : l.name();
      return new Diagnosis("learner_pending", "learner " + who + (l.lag() == null ? " does not answer"
          : " is " + l.lag() + " revision(s) behind") + ": promote it once caught up (etcd-dr member promote " + (
          l.name().isEmpty() ? l.id() : l.name()) + " --wait 300s), or remove it and run"
          + " playbooks/replace-member.yml again", down, learners);
    }
    if (!problems.isEmpty()) {
      return new Diagnosis("unhealthy", problems.size() + " problem(s), none a lost member or quorum: see problems",
          down, learners);
    }
    return new Diagnosis("healthy", "nothing to do", down, learners);
  }
}
