package dev.etcddr.etcd;

import io.etcd.jetcd.Client;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The membership changes of {@code etcdctl member add --learner | remove | promote}, asked of one member, with
 * etcd's refusals turned into {@link MembershipRefusedException}s a caller can act on (wait, or treat as done).
 */
public final class EtcdMembership {
  private final EtcdEndpoint endpoint;
  private final Client client;

  EtcdMembership(EtcdEndpoint endpoint, Client client) {
    this.endpoint = endpoint;
    this.client = client;
  }

  /** {@code member add --learner}: the new member (no name until it starts) and the member list after the change. */
  public List<MemberEntry> addLearner(List<String> peerUrls) {
    List<URI> uris = peerUrls.stream().map(URI::create).toList();
    return EtcdEndpoint.entries(membershipChange(client.getClusterClient().addMember(uris, true),
        "member add --learner").getMembers());
  }

  /** {@code member remove}: the member list after the change. */
  public List<MemberEntry> removeMember(long id) {
    return EtcdEndpoint.entries(membershipChange(client.getClusterClient().removeMember(id), "member remove")
        .getMembers());
  }

  /** {@code member promote}: the member list after the change. */
  public List<MemberEntry> promoteMember(long id) {
    return EtcdEndpoint.entries(membershipChange(client.getClusterClient().promoteMember(id), "member promote")
        .getMembers());
  }

  /** etcd's refusal messages (v3rpc/rpctypes/error.go) mapped to what a caller can act on. */
  private <T> T membershipChange(CompletableFuture<T> future, String what) {
    try {
      return endpoint.await(future, what);
    } catch (EtcdUnavailableException e) {
      String m = e.getMessage();
      MembershipRefusedException.Reason reason =
          m.contains("in sync with leader") ? MembershipRefusedException.Reason.LEARNER_NOT_READY
          : m.contains("member not found") ? MembershipRefusedException.Reason.MEMBER_NOT_FOUND
          : m.contains("can only promote a learner member") ? MembershipRefusedException.Reason.NOT_A_LEARNER
          : m.contains("Peer URLs already exists") ? MembershipRefusedException.Reason.PEER_URLS_EXIST
          : m.contains("not enough started members") || m.contains("unhealthy cluster")
              ? MembershipRefusedException.Reason.WOULD_RISK_QUORUM
          : null;
      if (reason == null) {
        throw e;
      }
      throw new MembershipRefusedException(reason, m, e);
    }
  }
}
