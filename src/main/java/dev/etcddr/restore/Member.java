package dev.etcddr.restore;

import java.util.List;

/**
 * One member of the restored cluster.
 *
 * @param peerUrls sorted by string, as etcd keeps them
 */
public record Member(String name, List<String> peerUrls, long id) {

  /** Go's {@code json.Marshal(membership.Member)} at restore: id, peerURLs, name (clientURLs nil, not a learner). */
  String json() {
    StringBuilder b = new StringBuilder("{\"id\":").append(Long.toUnsignedString(id)).append(",\"peerURLs\":");
    urlsJson(b);
    if (!name.isEmpty()) {
      b.append(",\"name\":").append(GoJson.string(name));
    }
    return b.append('}').toString();
  }

  /** {@code {"peerURLs":[...]}}: the raftAttributes value in the v2 store. */
  String raftAttributesJson() {
    StringBuilder b = new StringBuilder("{\"peerURLs\":");
    urlsJson(b);
    return b.append('}').toString();
  }

  private void urlsJson(StringBuilder b) {
    b.append('[');
    for (int i = 0; i < peerUrls.size(); i++) {
      b.append(i == 0 ? "" : ",").append(GoJson.string(peerUrls.get(i)));
    }
    b.append(']');
  }
}
