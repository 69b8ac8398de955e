package dev.etcddr.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.DataDirFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each state a power cut can leave (made by hand from a finished restore), repaired by rollback and finished by the
 * same restore again; and both commands idempotent.
 */
class InPlaceStatesTest {
  @TempDir
  Path tmp;

  private final ObjectMapper json = new ObjectMapper();
  private DataDirFixture host;
  private Path live;
  private Path original;
  private Path restored;
  private Object originalInode;

  @BeforeEach
  void setUp() throws IOException {
    host = new DataDirFixture(tmp);
    live = host.dataDir().resolve("member");
    original = host.work("r1").resolve("original/member");
    restored = host.work("r1").resolve("restored/member");
    originalInode = Files.getAttribute(live, "unix:ino");
  }

  private JsonNode ok(CliRun r) throws IOException {
    assertEquals(0, r.exitCode(), r.toString());
    return json.readTree(r.out());
  }

  private JsonNode restore() throws IOException {
    return ok(CliRun.of("snapshot", "restore", host.snapshot().toString(), "--manifest", host.manifest().toString(),
        "--in-place", "--restore-id", "r1", "--initial-cluster-token", "restore-r1", "-o", "json"));
  }

  private JsonNode rollback() throws IOException {
    return ok(CliRun.of("datadir", "rollback", "--manifest", host.manifest().toString(), "--restore-id", "r1",
        "-o", "json"));
  }

  private void assertRestored() throws IOException {
    assertFalse(DataDirFixture.isOriginal(live), "D/member is the restored member");
    assertTrue(Files.isRegularFile(live.resolve("snap/db")) && Files.isDirectory(live.resolve("wal")));
    assertTrue(DataDirFixture.isOriginal(original));
    assertEquals(originalInode, Files.getAttribute(original, "unix:ino"), "moved, not copied");
    assertFalse(Files.exists(restored));
  }

  private void assertOriginalBack() throws IOException {
    assertTrue(DataDirFixture.isOriginal(live));
    assertEquals(originalInode, Files.getAttribute(live, "unix:ino"), "the very same directory");
  }

  @Test
  void restores_in_place_then_reports_it_done_without_touching_anything() throws IOException {
    JsonNode r = restore();
    assertEquals("restored", r.get("status").asText());
    assertEquals(original.toString(), r.get("kept").asText());
    assertEquals(host.dataDir().toString(), r.get("data_dir").asText());
    assertEquals(5, r.get("revision_before").asLong());
    assertRestored();
    TreeMap<String, String> after = host.listing();
    JsonNode again = restore();
    assertEquals("already_restored", again.get("status").asText());
    assertEquals(0, again.get("steps").size());
    assertEquals(after, host.listing(), "a second call changes nothing");
  }

  @Test
  void rollback_puts_the_original_back_and_is_idempotent() throws IOException {
    restore();
    JsonNode r = rollback();
    assertEquals("rolled_back", r.get("status").asText());
    assertEquals(2, r.get("moves").size());
    assertOriginalBack();
    Path rolledBack = host.work("r1").resolve("rolled-back/member");
    assertEquals(rolledBack.toString(), r.get("set_aside").asText());
    assertFalse(DataDirFixture.isOriginal(rolledBack), "the restored member is kept, not deleted");
    TreeMap<String, String> after = host.listing();
    assertEquals("already_rolled_back", rollback().get("status").asText());
    assertEquals(after, host.listing());
    CliRun again = CliRun.of("snapshot", "restore", host.snapshot().toString(), "--manifest",
        host.manifest().toString(), "--in-place", "--restore-id", "r1", "--initial-cluster-token", "restore-r1");
    assertEquals(7, again.exitCode(), again.toString());
    assertTrue(again.err().contains("was rolled back"), again.err());
    assertEquals(after, host.listing());
  }

  /**
   * The states of InPlaceRestorer's class comment, from a finished restore: 3 = original moved aside, restored not
   * yet in; 2 = restored built, nothing swapped; 1 = only a half-built temp dir.
   */
  private void makeState(int state) throws IOException {
    restore();
    Files.createDirectories(restored.getParent());
    Files.move(live, restored);
    if (state <= 2) {
      Files.move(original, live);
    }
    if (state == 1) {
      Files.move(restored.getParent(), host.work("r1").resolve(".restored.restore-0badf00d"));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void rollback_repairs_each_interrupted_state(int state) throws IOException {
    makeState(state);
    JsonNode r = rollback();
    assertEquals(state == 3 ? "rolled_back" : "never_swapped", r.get("status").asText());
    assertEquals(state == 3 ? 1 : 0, r.get("moves").size());
    assertOriginalBack();
    TreeMap<String, String> after = host.listing();
    rollback();
    assertEquals(after, host.listing());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void the_same_restore_again_finishes_each_interrupted_state(int state) throws IOException {
    makeState(state);
    JsonNode r = restore();
    assertEquals("resumed", r.get("status").asText());
    assertEquals(state == 1 ? 3 : (state == 2 ? 2 : 1), r.get("steps").size(), r.toString());
    assertRestored();
    assertFalse(Files.exists(host.work("r1").resolve(".restored.restore-0badf00d")));
  }

  @Test
  void rollback_interrupted_after_its_first_rename_is_finished_by_the_next() throws IOException {
    restore();
    Path rolledBack = host.work("r1").resolve("rolled-back/member");
    Files.createDirectories(rolledBack.getParent());
    Files.move(live, rolledBack);
    JsonNode r = rollback();
    assertEquals("rolled_back", r.get("status").asText());
    assertEquals(1, r.get("moves").size());
    assertOriginalBack();
  }

  @Test
  void rollback_without_that_restore_says_so_and_without_any_member_fails() throws IOException {
    TreeMap<String, String> before = host.listing();
    assertEquals("never_started", rollback().get("status").asText());
    assertEquals(before, host.listing());
    Files.move(live, tmp.resolve("gone"));
    CliRun r = CliRun.of("datadir", "rollback", "--manifest", host.manifest().toString(), "--restore-id", "r1");
    assertEquals(12, r.exitCode(), r.toString());
    assertTrue(r.err().contains("nothing to roll back to"), r.err());
  }

  @Test
  void help_explains_layout_and_rollback() {
    CliRun restoreHelp = CliRun.of("snapshot", "restore", "--help");
    assertTrue(restoreHelp.out().contains("D/etcd-dr-ID/original/member") && restoreHelp.out().contains("--dry-run")
        && restoreHelp.out().contains("datadir rollback"), restoreHelp.out());
    CliRun rollbackHelp = CliRun.of("datadir", "rollback", "--help");
    assertTrue(rollbackHelp.out().contains("rolled-back/member") && rollbackHelp.out().contains("Example")
        && rollbackHelp.out().contains("12"), rollbackHelp.out());
  }
}
