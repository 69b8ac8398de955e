package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With several endpoints, save picks one healthy member and says which, and passes over a dead one. */
class SourceSelectionIT {
  @TempDir
  Path work;

  @Test
  void a_three_member_cluster_with_one_member_down() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start(EtcdVersion.V3_5, work.resolve("c"), 3)) {
      cluster.putKeys("/registry/secrets/kube-system/s-", 5, 100);
      String endpoints = cluster.members().stream().map(EtcdCluster.Member::clientUrl)
          .collect(Collectors.joining(","));
      Path pki = cluster.pki().pkiDir("m1");
      String[] tls = {"--cacert", pki.resolve("etcd/ca.crt").toString(), "--cert",
          pki.resolve("apiserver-etcd-client.crt").toString(), "--key",
          pki.resolve("apiserver-etcd-client.key").toString(), "--timeout", "3s"};

      CliRun all = CliRun.of(concat(new String[] {"snapshot", "save", work.resolve("all.db").toString(),
          "--endpoints", endpoints}, tls));
      assertEquals(0, all.exitCode(), all.toString());
      assertEquals(2, all.out().lines().filter(l -> l.contains("not chosen:")).count(), all.out());

      EtcdCluster.Member dead = cluster.member(2);
      cluster.stopMember(dead);
      CliRun r = CliRun.of(concat(new String[] {"snapshot", "save", work.resolve("s.db").toString(), "--endpoints",
          endpoints, "-o", "json"}, tls));
      assertEquals(0, r.exitCode(), r.toString());
      JsonNode out = new ObjectMapper().readTree(r.out());
      assertNotEquals(dead.clientUrl(), out.get("endpoint").asText());
      assertEquals(cluster.revision(cluster.member(0)), out.get("revision").asLong());

      CliRun text = CliRun.of(concat(new String[] {"snapshot", "save", work.resolve("t.db").toString(),
          "--endpoints", endpoints}, tls));
      assertEquals(0, text.exitCode(), text.toString());
      assertTrue(text.out().contains("not chosen: " + dead.clientUrl() + ": nothing accepts connections"),
          text.out());
    }
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }
}
