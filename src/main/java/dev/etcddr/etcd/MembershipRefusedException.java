package dev.etcddr.etcd;

import dev.etcddr.EtcdDrException;

/**
 * etcd answered a membership change (add, remove, promote) with a refusal, as opposed to not answering. The reason
 * lets a caller wait (a learner not yet in sync) or treat a repeated step as done (a member already gone).
 */
public final class MembershipRefusedException extends EtcdDrException {
  /** etcd's refusals a caller acts on; the rest are OTHER and only reported. */
  public enum Reason {
    /** {@code ErrLearnerNotReady}: the learner's log is not yet within 90% of the leader's. */
    LEARNER_NOT_READY,
    /** {@code ErrIDNotFound}. */
    MEMBER_NOT_FOUND,
    /** {@code ErrMemberNotLearner}: promote of a voting member. */
    NOT_A_LEARNER,
    /** {@code ErrPeerURLexists}: another member already has one of the peer URLs. */
    PEER_URLS_EXIST,
    /** {@code ErrNotEnoughStartedMembers} / {@code ErrUnhealthy}: the change would risk quorum. */
    WOULD_RISK_QUORUM,
    OTHER
  }

  private final Reason reason;

  public MembershipRefusedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
