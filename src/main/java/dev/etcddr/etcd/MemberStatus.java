package dev.etcddr.etcd;

import java.util.List;

/**
 * One member's answer to a status request, with the member list entry that names it.
 *
 * @param revision the member's current store revision (from the response header)
 */
public record MemberStatus(
    String endpoint,
    long clusterId,
    long memberId,
    String memberName,
    String version,
    long revision,
    long raftIndex,
    long raftTerm,
    long dbSize,
    long leaderId,
    List<String> errors) {

  public boolean isLeader() {
    return leaderId != 0 && leaderId == memberId;
  }

  /** A member with no leader, or reporting errors (e.g. a NOSPACE or CORRUPT alarm), is not a backup source. */
  public boolean healthy() {
    return leaderId != 0 && errors.isEmpty();
  }
}
