package dev.etcddr.restore;

import dev.etcddr.net.HostPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The members of the restored cluster, checked as etcd checks a bootstrap: URLs well formed, this member listed
 * with exactly its advertised peer URLs, no URL twice, no two members with one ID.
 *
 * @param members sorted by unsigned ID (the order of WAL entries and ConfState voters)
 */
public record ClusterPlan(List<Member> members, Member self, long clusterId) {

  public static ClusterPlan of(RestoreConfig c) {
    if (c.name() == null || c.name().isBlank()) {
      throw new RestoreConfigException("--name is empty: give this member's name as in --initial-cluster");
    }
    if (c.initialClusterToken() == null || c.initialClusterToken().isEmpty()) {
      throw new RestoreConfigException("--initial-cluster-token is empty");
    }
    Map<String, List<String>> byName = parseCluster(c.initialCluster());
    List<String> own = byName.get(c.name());
    if (own == null) {
      throw new RestoreConfigException("--name '" + c.name() + "' is not in --initial-cluster (" + c.initialCluster()
          + ")");
    }
    List<String> advertised = new ArrayList<>();
    for (String u : c.initialAdvertisePeerUrls()) {
      advertised.add(checkUrl(u, "--initial-advertise-peer-urls"));
    }
    if (!sameUrls(advertised, own)) {
      throw new RestoreConfigException("--initial-advertise-peer-urls " + advertised + " do not match member '"
          + c.name() + "' in --initial-cluster " + own);
    }
    List<Member> members = new ArrayList<>();
    Map<Long, String> ids = new HashMap<>();
    Member self = null;
    for (var e : byName.entrySet()) {
      long id = MemberIds.memberId(e.getValue(), c.initialClusterToken());
      if (id == 0) {
        throw new RestoreConfigException("member '" + e.getKey() + "' would get member ID 0; change its URLs or the"
            + " token");
      }
      String other = ids.putIfAbsent(id, e.getKey());
      if (other != null) {
        throw new RestoreConfigException("members '" + other + "' and '" + e.getKey() + "' have the same peer URLs"
            + " and would get the same member ID");
      }
      Member m = new Member(e.getKey(), e.getValue(), id);
      members.add(m);
      if (e.getKey().equals(c.name())) {
        self = m;
      }
    }
    members.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
    return new ClusterPlan(List.copyOf(members), self,
        MemberIds.clusterId(members.stream().map(Member::id).toList()));
  }

  /**
   * etcd's bootstrap check that the advertised peer URLs are this member's entries in --initial-cluster compares
   * addresses, not strings ({@code netutil.URLStringsEqual}); the IDs are hashed from --initial-cluster's strings.
   */
  private static boolean sameUrls(List<String> advertised, List<String> own) {
    List<String> left = new ArrayList<>(own);
    for (String a : advertised) {
      int match = -1;
      for (int i = 0; i < left.size() && match < 0; i++) {
        match = HostPort.sameUrl(a, left.get(i)) ? i : -1;
      }
      if (match < 0) {
        return false;
      }
      left.remove(match);
    }
    return left.isEmpty();
  }

  /** name=url,name=url → name → sorted URLs, keeping the first-seen order of names. */
  static Map<String, List<String>> parseCluster(String value) {
    if (value == null || value.isBlank()) {
      throw new RestoreConfigException("--initial-cluster is empty: give every member as name=https://host:2380");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    Set<String> urls = new HashSet<>();
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new RestoreConfigException("--initial-cluster entry '" + item.trim() + "' is not name=peerURL");
      }
      String name = item.substring(0, eq).trim();
      String url = checkUrl(item.substring(eq + 1), "--initial-cluster entry '" + item.trim() + "'");
      if (!urls.add(url)) {
        throw new RestoreConfigException("--initial-cluster has duplicate URL " + url + " (two entries, one URL)");
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(url);
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  /**
   * scheme://host:port and nothing else, scheme http, https, unix or unixs: what etcd accepts. The URL comes back
   * as written (only the scheme lower-cased, as Go's url.Parse does): member IDs hash these strings, so
   * {@code [fd00:0:0::11]} and {@code [fd00::11]} are two IDs to etcd and must stay two here.
   */
  static String checkUrl(String raw, String where) {
    String s = raw.trim();
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!List.of("http", "https", "unix", "unixs").contains(scheme)) {
        throw new RestoreConfigException(where + ": URL '" + s + "' must start with http://, https://, unix:// or"
            + " unixs://");
      }
      try {
        HostPort.of(u, -1);
      } catch (IllegalArgumentException e) {
        throw new RestoreConfigException(where + ": URL '" + s + "': " + e.getMessage());
      }
      if (u.getRawPath() != null && !u.getRawPath().isEmpty() || u.getRawQuery() != null
          || u.getRawFragment() != null || u.getUserInfo() != null) {
        throw new RestoreConfigException(where + ": URL '" + s + "' must be scheme://host:port with no path");
      }
      return scheme + s.substring(s.indexOf("://"));
    } catch (URISyntaxException e) {
      throw new RestoreConfigException(where + ": '" + s + "' is not a URL: " + e.getReason());
    }
  }
}
