package dev.etcddr.restore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The v2 store JSON a restored member's {@code .snap} carries: only the membership, as etcd's v2store.Save renders
 * a fresh store after adding each member in ID order (Go encoding/json: no spaces, map keys sorted as strings).
 */
final class V2Store {
  private static final String NO_EXPIRY = "\"ExpireTime\":\"0001-01-01T00:00:00Z\"";
  private static final int EVENT_CAPACITY = 1000;

  private V2Store() {}

  /** @param members sorted by unsigned ID; member i (1-based) was created at store index i */
  static String json(List<Member> members) {
    int n = members.size();
    List<Integer> byHex = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byHex.add(i);
    }
    byHex.sort(Comparator.comparing(i -> MemberIds.hex(members.get(i).id())));

    StringBuilder memberNodes = new StringBuilder();
    for (int k = 0; k < n; k++) {
      int i = byHex.get(k);
      Member m = members.get(i);
      String hex = MemberIds.hex(m.id());
      String ra = GoJson.string(m.raftAttributesJson());
      memberNodes.append(k == 0 ? "" : ",").append('"').append(hex).append("\":")
          .append(node("/0/members/" + hex, i + 1, "\"\"", "{\"raftAttributes\":"
              + node("/0/members/" + hex + "/raftAttributes", i + 1, ra, "null") + "}"));
    }
    String root = node("/", 0, "\"\"", "{\"0\":" + node("/0", 0, "\"\"", "{\"members\":"
        + node("/0/members", 1, "\"\"", "{" + memberNodes + "}") + "}") + ",\"1\":" + node("/1", 0, "\"\"", "{}")
        + "}");

    StringBuilder events = new StringBuilder();
    for (int i = 0; i < EVENT_CAPACITY; i++) {
      events.append(i == 0 ? "" : ",");
      if (i < n) {
        Member m = members.get(i);
        events.append("{\"action\":\"create\",\"node\":{\"key\":\"/0/members/").append(MemberIds.hex(m.id()))
            .append("/raftAttributes\",\"value\":").append(GoJson.string(m.raftAttributesJson()))
            .append(",\"modifiedIndex\":").append(i + 1).append(",\"createdIndex\":").append(i + 1).append("}}");
      } else {
        events.append("null");
      }
    }
    return "{\"Root\":" + root
        + ",\"WatcherHub\":{\"EventHistory\":{\"Queue\":{\"Events\":[" + events + "],\"Size\":" + n
        + ",\"Front\":0,\"Back\":" + n + ",\"Capacity\":" + EVENT_CAPACITY + "},\"StartIndex\":1,\"LastIndex\":" + n
        + "}},\"CurrentIndex\":" + n
        + ",\"Stats\":{\"getsSuccess\":0,\"getsFail\":0,\"setsSuccess\":0,\"setsFail\":0,\"deleteSuccess\":0,"
        + "\"deleteFail\":0,\"updateSuccess\":0,\"updateFail\":0,\"createSuccess\":" + n + ",\"createFail\":0,"
        + "\"compareAndSwapSuccess\":0,\"compareAndSwapFail\":0,\"compareAndDeleteSuccess\":0,"
        + "\"compareAndDeleteFail\":0,\"expireCount\":0,\"watchers\":0},\"CurrentVersion\":2}";
  }

  private static String node(String path, int index, String valueJson, String childrenJson) {
    return "{\"Path\":\"" + path + "\",\"CreatedIndex\":" + index + ",\"ModifiedIndex\":" + index + ","
        + NO_EXPIRY + ",\"Value\":" + valueJson + ",\"Children\":" + childrenJson + "}";
  }
}
