package dev.etcddr.snapshot;

import static dev.etcddr.testing.SnapshotSets.bytes;
import static dev.etcddr.testing.SnapshotSets.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.SnapshotSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** push and pull with a local directory store: what is checked, what is refused, what is resumed. */
class LocalStoreCopyTest {
  private static final String NAME = "etcd-00000000000abcde-20261127T100000Z-r9-cp1.db";

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();
  private final byte[] content = bytes(1, 300_000);

  private Path local() throws IOException {
    return SnapshotSets.write(work.resolve("local"), NAME, content);
  }

  private Path stored() throws IOException {
    local();
    Path store = work.resolve("store");
    CliRun r = CliRun.of("snapshot", "push", work.resolve("local").resolve(NAME).toString(), "--to", store.toString());
    assertEquals(0, r.exitCode(), r.toString());
    return store;
  }

  private CliRun pull(Path store, Path into) {
    return CliRun.of("snapshot", "pull", NAME, "--from", store.toString(), "--to", into.toString(), "-o", "json");
  }

  private JsonNode file(CliRun r, String name) throws IOException {
    for (JsonNode f : json.readTree(r.out()).get("files")) {
      if (f.get("file").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError(name + " not in " + r.out());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void push_creates_missing_directories_0700_and_the_stored_file_hashes_like_the_source() throws IOException {
    local();
    Path store = work.resolve("base").resolve("prod-1");
    CliRun r = CliRun.of("snapshot", "push", work.resolve("local").resolve(NAME).toString(), "--to",
        store.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.getParent())));
    assertEquals(sha256(content), sha256(store.resolve(NAME)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.resolve(NAME))));
    assertEquals(List.of(NAME, NAME + ".json"), names(store), "no .part or record left");
    JsonNode f = file(r, NAME);
    assertEquals(0, f.get("resumed_from").asLong());
    assertTrue(f.get("restarted").isNull());
    assertFalse(f.get("already_there").asBoolean());
    assertTrue(json.readTree(r.out()).get("verified").asBoolean());
  }

  @Test
  void pull_over_an_existing_file_of_another_size_is_refused_and_the_file_is_untouched() throws IOException {
    Path store = stored();
    Path into = Files.createDirectories(work.resolve("into"));
    byte[] other = bytes(2, 1000);
    Files.write(into.resolve(NAME), other);
    CliRun r = pull(store, into);
    assertEquals(7, r.exitCode(), r.toString());
    assertTrue(r.err().contains(NAME) && r.err().contains("1000 bytes") && r.err().contains("300000 bytes")
        && r.err().contains(sha256(other)) && r.err().contains(sha256(content)), r.err());
    assertArrayEquals(other, Files.readAllBytes(into.resolve(NAME)));
    assertEquals(List.of(NAME), names(into));
  }

  @Test
  void pulling_the_same_file_again_skips_it_as_already_there() throws IOException {
    Path store = stored();
    Path into = work.resolve("into");
    assertEquals(0, pull(store, into).exitCode());
    FileTime before = Files.getLastModifiedTime(into.resolve(NAME));
    Files.setLastModifiedTime(into.resolve(NAME), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    CliRun again = pull(store, into);
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(file(again, NAME).get("already_there").asBoolean(), again.out());
    assertEquals(FileTime.from(Instant.parse("2020-01-01T00:00:00Z")), Files.getLastModifiedTime(into.resolve(NAME)),
        "not rewritten (was " + before + ")");
    assertEquals(sha256(content), sha256(into.resolve(NAME)));
  }

  @Test
  void a_truncated_part_with_a_wrong_prefix_and_no_record_is_not_resumed() throws IOException {
    Path store = stored();
    Path into = Files.createDirectories(work.resolve("into"));
    Files.write(into.resolve(NAME + ".part"), bytes(3, 100_000));
    CliRun r = pull(store, into);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(sha256(content), sha256(into.resolve(NAME)));
    assertEquals(0, file(r, NAME).get("resumed_from").asLong());
    assertTrue(file(r, NAME).get("restarted").asText().contains("no record"), r.out());
    assertEquals(List.of(NAME, NAME + ".json"), names(into));
  }

  /** A record that matches does not prove the bytes: the final check does, and the copy starts again from 0. */
  @Test
  void a_part_with_a_matching_record_but_other_bytes_is_discarded_after_the_check_and_copied_again()
      throws IOException {
    Path store = stored();
    Path into = Files.createDirectories(work.resolve("into"));
    byte[] wrong = Arrays.copyOf(content, 100_000);
    wrong[50_000] ^= 1;
    Files.write(into.resolve(NAME + ".part"), wrong);
    Files.writeString(into.resolve(NAME + ".part.src"), "{\"file\":\"" + NAME + "\",\"size\":" + content.length
        + ",\"sha256\":\"" + sha256(content) + "\"}\n");
    CliRun r = pull(store, into);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(sha256(content), sha256(into.resolve(NAME)));
    assertEquals(0, file(r, NAME).get("resumed_from").asLong());
    assertTrue(file(r, NAME).get("restarted").asText().contains("held other bytes"), r.out());
    assertEquals(List.of(NAME, NAME + ".json"), names(into));
  }

  @Test
  void a_part_with_a_matching_record_and_the_right_prefix_is_resumed() throws IOException {
    Path store = stored();
    Path into = Files.createDirectories(work.resolve("into"));
    Files.write(into.resolve(NAME + ".part"), Arrays.copyOf(content, 123_456));
    Files.writeString(into.resolve(NAME + ".part.src"), "{\"file\":\"" + NAME + "\",\"size\":" + content.length
        + ",\"sha256\":\"" + sha256(content) + "\"}\n");
    CliRun r = pull(store, into);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(123_456, file(r, NAME).get("resumed_from").asLong(), r.out());
    assertTrue(file(r, NAME).get("restarted").isNull());
    assertEquals(sha256(content), sha256(into.resolve(NAME)));
    assertEquals(List.of(NAME, NAME + ".json"), names(into));
  }

  @Test
  void a_corrupted_download_is_detected_and_nothing_is_left() throws IOException {
    Path store = stored();
    byte[] rotten = content.clone();
    rotten[200_000] ^= 0x40;
    Files.write(store.resolve(NAME), rotten); // same size: only the hash can tell
    Path into = work.resolve("into");
    CliRun r = pull(store, into);
    assertEquals(6, r.exitCode(), r.toString());
    assertTrue(r.err().contains(NAME) && r.err().contains(sha256(rotten)) && r.err().contains(sha256(content)),
        r.err());
    assertEquals(List.of(), names(into), "no final file, no .part, no sidecar");
  }

  @Test
  void a_corrupted_bundle_fails_the_pull() throws IOException {
    byte[] bundle = bytes(5, 5000);
    SnapshotSets.write(work.resolve("local"), NAME, content, bundle, null);
    Path store = work.resolve("store");
    assertEquals(0, CliRun.of("snapshot", "push", work.resolve("local").resolve(NAME).toString(), "--to",
        store.toString()).exitCode());
    assertEquals(sha256(bundle), sha256(store.resolve(NAME + ".bundle.tar.gz")));
    bundle[10] ^= 1;
    Files.write(store.resolve(NAME + ".bundle.tar.gz"), bundle);
    Path into = work.resolve("into");
    CliRun r = pull(store, into);
    assertEquals(6, r.exitCode(), r.toString());
    assertTrue(r.err().contains(NAME + ".bundle.tar.gz"), r.err());
    assertFalse(Files.exists(into.resolve(NAME + ".json")), "no sidecar vouches for an incomplete set");
    assertFalse(Files.exists(into.resolve(NAME + ".bundle.tar.gz")));
  }

  @Test
  void push_over_a_stored_file_of_the_same_size_but_other_bytes_is_refused() throws IOException {
    local();
    Path store = Files.createDirectories(work.resolve("store"));
    byte[] other = bytes(4, content.length);
    Files.write(store.resolve(NAME), other);
    CliRun r = CliRun.of("snapshot", "push", work.resolve("local").resolve(NAME).toString(), "--to",
        store.toString());
    assertEquals(7, r.exitCode(), r.toString());
    assertTrue(r.err().contains(sha256(other)) && r.err().contains(sha256(content)), r.err());
    assertArrayEquals(other, Files.readAllBytes(store.resolve(NAME)));
    assertEquals(List.of(NAME), names(store), "no sidecar pushed for a file that is not the snapshot");
  }

  @Test
  void pushing_the_same_set_again_is_already_there() throws IOException {
    Path store = stored();
    CliRun r = CliRun.of("snapshot", "push", work.resolve("local").resolve(NAME).toString(), "--to",
        store.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(file(r, NAME).get("already_there").asBoolean());
    assertTrue(file(r, NAME + ".json").get("already_there").asBoolean());
  }

  @Test
  void a_local_snapshot_that_differs_from_its_sidecar_is_not_pushed() throws IOException {
    Path f = local();
    byte[] rotten = content.clone();
    rotten[7] ^= 1;
    Files.write(f, rotten);
    Path store = work.resolve("store");
    CliRun r = CliRun.of("snapshot", "push", f.toString(), "--to", store.toString());
    assertEquals(6, r.exitCode(), r.toString());
    assertEquals(List.of(), names(store));
  }
}
