package dev.etcddr.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterPlanTest {
  private static RestoreConfig config(String name, String cluster, String token, List<String> urls) {
    return new RestoreConfig(Path.of("s.db"), name, cluster, token, urls, Path.of("d"), false, 0, false);
  }

  @Test
  void etcds_well_known_default_member_and_cluster_ids() {
    // etcd's own defaults: every fresh single-node etcd logs these two IDs.
    ClusterPlan p = ClusterPlan.of(config("default", "default=http://localhost:2380", "etcd-cluster",
        List.of("http://localhost:2380")));
    assertEquals("8e9e05c52164694d", MemberIds.hex(p.self().id()));
    assertEquals("cdf818194e3a8c32", MemberIds.hex(p.clusterId()));
  }

  @Test
  void members_sort_by_unsigned_id_and_a_name_may_have_several_urls() {
    ClusterPlan p = ClusterPlan.of(config("a", "a=https://10.0.0.1:2380,a=https://10.0.0.2:2380,b=https://10.0.0.3:2380",
        "tkn", List.of("https://10.0.0.2:2380", "https://10.0.0.1:2380")));
    assertEquals(2, p.members().size());
    assertEquals(List.of("https://10.0.0.1:2380", "https://10.0.0.2:2380"), p.self().peerUrls());
    assertEquals(true, Long.compareUnsigned(p.members().get(0).id(), p.members().get(1).id()) < 0);
  }

  @Test
  void member_json_is_gos() {
    Member m = new Member("a<b", List.of("https://10.0.0.1:2380"), -1L);
    assertEquals("{\"id\":18446744073709551615,\"peerURLs\":[\"https://10.0.0.1:2380\"],\"name\":\"a\\u003cb\"}",
        m.json());
  }

  @Test
  void ipv6_peer_urls_hash_as_written_and_match_their_advertised_form_as_addresses() {
    ClusterPlan shortForm = ClusterPlan.of(config("a", "a=https://[fd00::11]:2380,b=https://[fd00::12]:2380", "t",
        List.of("https://[fd00::11]:2380")));
    ClusterPlan longForm = ClusterPlan.of(config("a", "a=https://[fd00:0:0::11]:2380,b=https://[fd00::12]:2380", "t",
        List.of("https://[fd00::11]:2380")));
    assertEquals(MemberIds.memberId(List.of("https://[fd00::11]:2380"), "t"), shortForm.self().id());
    assertEquals(MemberIds.memberId(List.of("https://[fd00:0:0::11]:2380"), "t"), longForm.self().id());
    assertEquals(List.of("https://[fd00:0:0::11]:2380"), longForm.self().peerUrls());
  }

  @Test
  void an_unbracketed_ipv6_peer_url_is_refused_naming_its_flag() {
    RestoreConfigException e = org.junit.jupiter.api.Assertions.assertThrows(RestoreConfigException.class,
        () -> ClusterPlan.of(config("a", "a=https://fd00::11:2380", "t", List.of("https://fd00::11:2380"))));
    assertEquals("--initial-cluster entry 'a=https://fd00::11:2380': URL 'https://fd00::11:2380': an IPv6 address"
        + " must be in brackets: https://[fd00::11]:2380", e.getMessage());
  }
}
