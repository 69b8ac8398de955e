package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped artifact, run as operators run it: {@code java -jar target/etcd-dr.jar}. gRPC, Netty and Vert.x find
 * their transports through META-INF/services; only a real run of the shaded jar proves the merge kept them.
 */
class ShadedJarIT {
  @TempDir
  Path work;

  private static Path jar() {
    Path jar = Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar"));
    assertTrue(Files.isRegularFile(jar), jar + " missing: run through `mvn verify`, which packages first");
    return jar;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void version_comes_from_the_jar_manifest() {
    Proc.Result r = Proc.run(List.of(java(), "-jar", jar().toString(), "--version")).requireSuccess();
    assertTrue(r.stdout().matches("(?s)etcd-dr \\d+\\.\\d+\\.\\d+.*"), r.stdout());
  }

  @Test
  void saves_a_snapshot_over_tls_and_answers_in_json() throws Exception {
    try (EtcdCluster cluster = EtcdCluster.start(EtcdVersion.V3_5, work.resolve("c"), 1)) {
      EtcdCluster.Member m = cluster.member(0);
      cluster.putKeys("/registry/services/specs/default/svc-", 3, 200);
      Proc.Result r = Proc.run(List.of(java(), "-jar", jar().toString(), "snapshot", "save", "--manifest",
          m.manifest().toString(), "--dir", work.resolve("snaps").toString(), "-o", "json"), Map.of(), null, 120);
      assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
      assertEquals("", r.stderr(), "no log noise on stderr when not a terminal");
      JsonNode out = new ObjectMapper().readTree(r.stdout());
      Path snapshot = work.resolve("snaps").resolve(out.get("file").asText());
      Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot", "restore", snapshot.toString(),
          "--data-dir", work.resolve("restored").toString())).requireSuccess();
    }
  }

  @Test
  void errors_exit_non_zero_with_one_line_on_stderr() {
    Proc.Result r = Proc.run(List.of(java(), "-jar", jar().toString(), "manifest", "show", "--manifest",
        work.resolve("missing.yaml").toString()));
    assertEquals(3, r.exitCode());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
  }
}
