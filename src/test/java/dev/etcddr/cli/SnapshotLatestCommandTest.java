package dev.etcddr.cli;

import static dev.etcddr.testing.SnapshotSets.bytes;
import static dev.etcddr.testing.SnapshotSets.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.SnapshotSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshot latest}: newest by the time in the name, verified, and why newer ones were skipped. */
class SnapshotLatestCommandTest {
  // Oldest to newest by the time in the name.
  private static final String OLDEST = "etcd-00000000000abcde-20261127T090000Z-r7-cp1.db";
  private static final String GOOD = "etcd-00000000000abcde-20261127T100000Z-r8-cp2.db";
  private static final String BAD_SHA = "etcd-00000000000abcde-20261127T110000Z-r9-cp1.db";
  private static final String NO_SIDECAR = "etcd-00000000000abcde-20261127T120000Z-r10-cp3.db";

  @TempDir
  Path store;

  private final ObjectMapper json = new ObjectMapper();

  /** Four snapshots whose mtimes run the other way round from the times in their names. */
  private void fourSnapshots() throws IOException {
    SnapshotSets.write(store, OLDEST, bytes(1, 2000));
    SnapshotSets.write(store, GOOD, bytes(2, 3000), bytes(20, 500), "prod-1");
    SnapshotSets.write(store, BAD_SHA, bytes(3, 4000));
    Files.write(store.resolve(BAD_SHA), bytes(33, 4000)); // same size, other bytes: the sidecar no longer matches
    Files.write(store.resolve(NO_SIDECAR), bytes(4, 5000));
    List<String> byName = List.of(OLDEST, GOOD, BAD_SHA, NO_SIDECAR);
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    for (int i = 0; i < byName.size(); i++) {
      Files.setLastModifiedTime(store.resolve(byName.get(i)), FileTime.from(t.minusSeconds(3600L * i)));
    }
  }

  @Test
  void picks_the_newest_verified_by_name_time_not_mtime_and_says_what_it_skipped() throws IOException {
    fourSnapshots();
    CliRun r = CliRun.of("snapshot", "latest", store.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = json.readTree(r.out());
    List<String> fields = new ArrayList<>();
    j.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("store", "file", "path", "cluster_id", "cluster_name", "taken_at", "revision", "member",
        "size", "sha256", "checked", "skipped", "host_bundles"), fields);
    assertEquals(GOOD, j.get("file").asText());
    assertEquals(store.resolve(GOOD).toAbsolutePath().toString(), j.get("path").asText());
    assertEquals(store.toAbsolutePath().toString(), j.get("store").asText());
    assertEquals("00000000000abcde", j.get("cluster_id").asText());
    assertEquals("prod-1", j.get("cluster_name").asText());
    assertEquals("2026-11-27T10:00:00Z", j.get("taken_at").asText());
    assertEquals(8, j.get("revision").asLong());
    assertEquals("cp2", j.get("member").asText());
    assertEquals(3000, j.get("size").asLong());
    assertEquals(sha256(Files.readAllBytes(store.resolve(GOOD))), j.get("sha256").asText());
    assertEquals("size+sha256", j.get("checked").asText());
    JsonNode skipped = j.get("skipped");
    assertEquals(2, skipped.size(), r.out());
    assertEquals(NO_SIDECAR, skipped.get(0).get("file").asText());
    assertTrue(skipped.get(0).get("reason").asText().contains("no sidecar"), r.out());
    assertEquals(BAD_SHA, skipped.get(1).get("file").asText());
    assertTrue(skipped.get(1).get("reason").asText().contains(sha256(Files.readAllBytes(store.resolve(BAD_SHA)))),
        r.out());
  }

  @Test
  void text_output_is_the_path_alone_with_skipped_ones_on_stderr() throws IOException {
    fourSnapshots();
    CliRun r = CliRun.of("snapshot", "latest", store.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(store.resolve(GOOD).toAbsolutePath() + System.lineSeparator(), r.out());
    assertTrue(r.err().contains("skipped " + NO_SIDECAR + ": no sidecar") && r.err().contains("skipped " + BAD_SHA),
        r.err());
  }

  @Test
  void a_sidecar_without_cluster_name_reads_as_null_and_a_missing_bundle_is_skipped() throws IOException {
    fourSnapshots();
    Files.delete(store.resolve(GOOD + ".bundle.tar.gz"));
    JsonNode j = json.readTree(CliRun.of("snapshot", "latest", store.toString(), "-o", "json").out());
    assertEquals(OLDEST, j.get("file").asText());
    assertTrue(j.get("cluster_name").isNull());
    assertTrue(j.get("skipped").get(2).get("reason").asText().contains("bundle"), j.toString());
  }

  @Test
  void same_time_in_the_name_the_higher_revision_wins() throws IOException {
    SnapshotSets.write(store, "etcd-00000000000abcde-20261127T100000Z-r12-cp1.db", bytes(1, 100));
    SnapshotSets.write(store, "etcd-00000000000abcde-20261127T100000Z-r9-cp2.db", bytes(2, 100));
    CliRun r = CliRun.of("snapshot", "latest", store.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().strip().endsWith("-r12-cp1.db"), r.out());
  }

  @Test
  void no_verified_snapshot_is_an_input_file_error_naming_the_store_and_the_reasons() throws IOException {
    Files.write(store.resolve(NO_SIDECAR), bytes(4, 5000));
    SnapshotSets.write(store, BAD_SHA, bytes(3, 4000));
    Files.writeString(store.resolve(BAD_SHA + ".json"), "{not json");
    CliRun r = CliRun.of("snapshot", "latest", store.toString(), "-o", "json");
    assertEquals(8, r.exitCode(), r.toString());
    String message = json.readTree(r.out()).get("error").get("message").asText();
    assertTrue(message.contains(store.toString()) && message.contains("none of its 2 snapshot(s)")
        && message.contains("no sidecar") && message.contains("not readable"), message);
    CliRun empty = CliRun.of("snapshot", "latest", store.resolve("nothing-here").toString());
    assertEquals(8, empty.exitCode(), empty.toString());
    assertTrue(empty.err().contains("holds no snapshot"), empty.err());
  }

  @Test
  void cluster_name_is_checked_before_anything_else() {
    for (String bad : List.of("-prod", ".prod", "prod/1", "prod 1", "", "x".repeat(64))) {
      CliRun r = CliRun.of("snapshot", "save", "--dir", store.toString(), "--cluster-name", bad, "--manifest",
          store.resolve("missing.yaml").toString());
      assertEquals(2, r.exitCode(), bad + ": " + r);
      assertTrue(r.err().contains("--cluster-name"), r.err());
    }
    // A good name gets past the check and fails later, at the (missing) manifest.
    CliRun ok = CliRun.of("snapshot", "save", "--dir", store.toString(), "--cluster-name", "prod-1.eu_west",
        "--manifest", store.resolve("missing.yaml").toString());
    assertEquals(3, ok.exitCode(), ok.toString());
    assertEquals(3, CliRun.of("snapshot", "save", "--dir", store.toString(), "--cluster-name", "x".repeat(63),
        "--manifest", store.resolve("missing.yaml").toString()).exitCode());
  }
}
