package dev.etcddr.cluster;

import dev.etcddr.etcd.MemberEntry;
import java.util.List;

/** One member list entry in {@code cluster health -o json}; the ID is 16 hex digits as etcdctl prints it. */
public record MemberReport(String id, String name, List<String> peerUrls, List<String> clientUrls,
    boolean isLearner) {

  static MemberReport of(MemberEntry m) {
    return new MemberReport(Ids.hex(m.id()), m.name(), m.peerUrls(), m.clientUrls(), m.learner());
  }
}
