package dev.etcddr.restore;

import java.util.List;

/** What {@code snapshot restore} built. IDs in hex, as etcd prints them. Field names are a stable contract. */
public record RestoreResult(
    String dataDir,
    String name,
    String memberId,
    String clusterId,
    List<MemberView> members,
    long revisionBefore,
    long revisionAfter,
    boolean markCompacted,
    List<String> files) {

  /** One member of the restored cluster. */
  public record MemberView(String name, String id, List<String> peerUrls) {}
}
