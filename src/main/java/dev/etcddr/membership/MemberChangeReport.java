package dev.etcddr.membership;

import java.util.List;

/**
 * What one {@code member} command did. Stable JSON ({@code -o json}); IDs are 16 hex digits as etcdctl prints them.
 *
 * @param outcome {@code added}, {@code already_learner}, {@code removed}, {@code already_removed},
 *     {@code promoted}, {@code already_voter}: a repeated command reports the step as done instead of failing
 * @param initialCluster the {@code --initial-cluster} a joining member must start with: every member of the list,
 *     the learner under the name it was added as
 * @param lag the learner's revision behind the voter asked, when promoting; -1 when not measured
 */
public record MemberChangeReport(
    String action,
    String outcome,
    String memberId,
    String name,
    List<String> peerUrls,
    String initialCluster,
    List<MemberView> members,
    long lag,
    int attempts,
    long waitedMs) {

  /** One member list entry after the change. */
  public record MemberView(String id, String name, List<String> peerUrls, List<String> clientUrls,
      boolean isLearner) {}
}
