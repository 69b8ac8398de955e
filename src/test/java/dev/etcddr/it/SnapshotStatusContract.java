package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.SnapshotFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our {@code snapshot status} against the release's own tool (etcdctl 3.4, etcdutl 3.5) on the same files, byte for
 * byte, in every output form, for every fixture shape and for a raw db copy; and {@code verify} passes on them.
 */
abstract class SnapshotStatusContract {
  abstract EtcdVersion version();

  /** etcdctl 3.4 has status; in 3.5 it moved to etcdutl (etcdctl's alias prints a deprecation notice). */
  private List<String> realStatus(Path file, String form) {
    List<String> argv = new ArrayList<>();
    if (version() == EtcdVersion.V3_4) {
      argv.add(version().bin("etcdctl").toString());
    } else {
      argv.add(version().bin("etcdutl").toString());
    }
    argv.addAll(List.of("snapshot", "status", file.toString(), "-w", form));
    return argv;
  }

  Stream<Arguments> files() {
    SnapshotFixtures f = SnapshotFixtures.of(version());
    List<Arguments> out = new ArrayList<>();
    f.snapshots().forEach((name, path) -> out.add(Arguments.of(name, path)));
    out.add(Arguments.of("raw-db", f.rawDb()));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void status_equals_the_real_tool_in_every_form(String shape, Path file) throws Exception {
    for (String form : List.of("simple", "table", "json", "fields")) {
      Proc.Result real = Proc.run(realStatus(file, form), Map.of("ETCDCTL_API", "3"), null, 120);
      assertEquals(0, real.exitCode(), real.stderr());
      CliRun ours = CliRun.of("snapshot", "status", file.toString(), "-w", form);
      assertEquals(0, ours.exitCode(), ours.toString());
      assertEquals(real.stdout(), ours.out(), shape + " -w " + form);
    }
    JsonNode j = new ObjectMapper().readTree(CliRun.of("snapshot", "status", file.toString(), "-o", "json").out());
    assertEquals(SnapshotFixtures.of(version()).liveKeys().get(shape), j.get("live_keys").asLong(),
        "live keys = the server's count when the snapshot was taken: " + j);
    assertEquals(!shape.equals("raw-db"), j.get("has_trailer").asBoolean());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void counts_keys_on_no_lease_as_etcdctl_saw_them(String shape, Path file) throws Exception {
    CliRun r = CliRun.of("snapshot", "status", file.toString(), "--count-keys", "/", "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    long all = 0;
    long unleased = 0;
    for (JsonNode n : j.get("key_counts")) {
      all += n.asLong();
    }
    for (JsonNode n : j.get("unleased_key_counts")) {
      unleased += n.asLong();
    }
    assertEquals(SnapshotFixtures.of(version()).liveKeys().get(shape), all, j.toString());
    assertEquals(SnapshotFixtures.of(version()).unleasedKeys().get(shape), unleased, j.toString());
    if (shape.equals("leases")) {
      assertTrue(unleased < all, "the leased key is left out: " + j);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void verify_passes_on_real_snapshots(String shape, Path file) throws Exception {
    boolean raw = shape.equals("raw-db");
    CliRun r = raw ? CliRun.of("snapshot", "verify", file.toString(), "--skip-hash-check", "-o", "json")
        : CliRun.of("snapshot", "verify", file.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("ok").asBoolean());
    List<String> names = new ArrayList<>();
    j.get("checks").forEach(c -> names.add(c.get("name").asText()));
    assertEquals(List.of("sha256_trailer", "bbolt_meta", "bbolt_structure", "etcd_buckets", "revision_keys",
        "consistent_index", "compaction", "etcd_versions", "etcdutl_36"), names);
    // What the db records: the cluster version the members agreed (3.4.0, 3.5.0), kept in bucket cluster.
    assertTrue(j.get("checks").get(7).get("detail").asText().contains(version() == EtcdVersion.V3_4
        ? "cluster version 3.4.0: needs etcd 3.4 or newer" : "cluster version 3.5.0: needs etcd 3.5 or newer"),
        r.out());
    assertEquals(raw ? "skipped" : "pass", j.get("checks").get(0).get("result").asText(), r.out());
    assertFalse(j.has("status"), "status only with --count-keys: " + r.out());

    // the preflight's one call: verify, and the status the real tool gives with the fixture's live keys counted
    List<String> withCounts = new ArrayList<>(List.of("snapshot", "verify", file.toString(), "--count-keys", "/",
        "-o", "json"));
    if (raw) {
      withCounts.add("--skip-hash-check");
    }
    JsonNode both = new ObjectMapper().readTree(CliRun.of(withCounts.toArray(String[]::new)).out());
    assertEquals(j.get("checks"), both.get("checks"));
    JsonNode real = new ObjectMapper().readTree(Proc.run(realStatus(file, "json"), Map.of("ETCDCTL_API", "3"),
        null, 120).requireSuccess().stdout());
    assertEquals(real.get("revision").asLong(), both.at("/status/revision").asLong(), both.toString());
    assertEquals(real.get("hash").asLong(), both.at("/status/hash").asLong(), both.toString());
    long counted = 0;
    for (JsonNode n : both.at("/status/key_counts")) {
      counted += n.asLong();
    }
    assertEquals(SnapshotFixtures.of(version()).liveKeys().get(shape), counted, both.toString());
    if (raw) {
      CliRun strict = CliRun.of("snapshot", "verify", file.toString());
      assertEquals(6, strict.exitCode(), "a raw db has no trailer: " + strict);
      assertTrue(strict.out().contains("FAIL    sha256_trailer"), strict.out());
    }
  }
}
