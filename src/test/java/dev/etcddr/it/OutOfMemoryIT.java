package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.SyntheticSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a heap too small for its input exits 13 with a message that says so, not 3 (what the JVM's
 * -XX:+ExitOnOutOfMemoryError exits with, etcd-dr's manifest code) and not 1 (a bug). The input: a snapshot with
 * two 24 MiB values, whose overflow pages a reader must hold whole, under -Xmx16m. And the many-keys case that used
 * to run out: the live-key count fits any heap, in more passes.
 */
class OutOfMemoryIT {
  @TempDir
  static Path work;

  private static Path bigValues;
  private static Path manyKeys;

  @BeforeAll
  static void snapshots() throws Exception {
    bigValues = SyntheticSnapshot.write(work.resolve("big-values.db"), 2, 24 << 20, 1).file();
    manyKeys = SyntheticSnapshot.write(work.resolve("many-keys.db"), 300_000, 32, 1).file();
  }

  private static Proc.Result jar(String heap, String... args) {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap, "-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr",
        "-jar", Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar")).toString()));
    argv.addAll(List.of(args));
    return Proc.run(argv, Map.of(), null, 120);
  }

  private static void assertOutOfMemory(Proc.Result r, String command) {
    assertEquals(13, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.stderr().startsWith("etcd-dr: error: out of memory: the JVM heap (-Xmx16m) is too small for etcd-dr "
        + command + " on this input; give it more with a larger -Xmx"), r.stderr());
    assertEquals(1, r.stderr().lines().count(), "one line, no stack trace: " + r.stderr());
  }

  @Test
  void verify_and_status_exit_13_with_the_heap_named() throws Exception {
    assertOutOfMemory(jar("-Xmx16m", "snapshot", "verify", bigValues.toString()), "snapshot verify");
    Proc.Result json = jar("-Xmx16m", "snapshot", "status", bigValues.toString(), "-o", "json");
    assertOutOfMemory(json, "snapshot status");
    JsonNode error = new ObjectMapper().readTree(json.stdout()).get("error");
    assertEquals("out_of_memory", error.get("kind").asText());
    assertEquals(13, error.get("exit_code").asInt());
  }

  @Test
  void restore_exits_13_and_leaves_nothing_behind() throws Exception {
    Path target = work.resolve("restored");
    assertOutOfMemory(jar("-Xmx16m", "snapshot", "restore", bigValues.toString(), "--data-dir", target.toString()),
        "snapshot restore");
    assertFalse(Files.exists(target));
    try (Stream<Path> left = Files.list(work)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".restored")).toList());
    }
  }

  @Test
  void counting_many_keys_fits_a_small_heap_in_more_passes() throws Exception {
    Proc.Result small = jar("-Xmx16m", "snapshot", "status", manyKeys.toString(), "--count-keys", "/registry/", "-o",
        "json").requireSuccess();
    Proc.Result roomy = jar("-Xmx160m", "snapshot", "status", manyKeys.toString(), "--count-keys", "/registry/", "-o",
        "json").requireSuccess();
    assertEquals(roomy.stdout(), small.stdout());
    assertTrue(small.stdout().contains("\"live_keys\" : 294"), small.stdout());
  }
}
