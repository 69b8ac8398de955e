package dev.etcddr.cluster;

import dev.etcddr.etcd.HashKv;
import dev.etcddr.etcd.MemberStatus;
import java.util.List;

/**
 * One endpoint in {@code cluster health -o json}. {@code reachable} means the endpoint answered a status request;
 * when it did not, {@code error} says why and the status fields are empty or 0 (the member's ID and name are still
 * filled in when the member list names a member with this client URL). The HashKV fields are null unless asked
 * for and answered.
 */
public record EndpointReport(
    String endpoint,
    boolean reachable,
    String error,
    String memberId,
    String memberName,
    String clusterId,
    String version,
    long revision,
    long raftIndex,
    long raftTerm,
    long dbSize,
    String leaderId,
    boolean isLeader,
    List<String> errors,
    Long hashKv,
    Long hashRevision,
    Long compactRevision) {

  static EndpointReport answered(MemberStatus s) {
    return new EndpointReport(s.endpoint(), true, "", Ids.hex(s.memberId()), s.memberName(), Ids.hex(s.clusterId()),
        s.version(), s.revision(), s.raftIndex(), s.raftTerm(), s.dbSize(), s.leaderId() == 0 ? "" : Ids.hex(
            s.leaderId()), s.isLeader(), s.errors(), null, null, null);
  }

  static EndpointReport unreachable(String endpoint, String error, String memberId, String memberName) {
    return new EndpointReport(endpoint, false, error, memberId, memberName, "", "", 0, 0, 0, 0, "", false, List.of(),
        null, null, null);
  }

  EndpointReport withHash(HashKv h) {
    return new EndpointReport(endpoint, reachable, error, memberId, memberName, clusterId, version, revision,
        raftIndex, raftTerm, dbSize, leaderId, isLeader, errors, h.hash(), h.revision(), h.compactRevision());
  }

  /** How problems name this endpoint: its URL and, when known, its member's name. */
  String who() {
    return memberName.isEmpty() ? endpoint : endpoint + " (member " + memberName + ")";
  }
}
