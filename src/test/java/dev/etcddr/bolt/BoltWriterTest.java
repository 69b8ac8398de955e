package dev.etcddr.bolt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer writes, the reader and the structural walk read back exactly, in every tree shape. */
class BoltWriterTest {
  @TempDir
  Path dir;

  private static ByteBuffer b(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void round_trips_inline_buckets_deep_trees_and_overflow_values() throws Exception {
    Path file = dir.resolve("db");
    List<String> expected = new ArrayList<>();
    Random rnd = new Random(7);
    try (BoltWriter w = BoltWriter.create(file)) {
      w.beginBucket("a-empty".getBytes());
      w.endBucket();
      expected.add("a-empty");
      w.beginBucket("b-small".getBytes());
      w.put(b("k1"), b("v1"));
      expected.add("b-small");
      expected.add("k1=2");
      w.endBucket();
      w.beginBucket("c-big".getBytes());
      expected.add("c-big");
      for (int i = 0; i < 50_000; i++) { // several branch levels
        String k = String.format("key-%08d", i);
        int size = i % 10_000 == 0 ? 30_000 : rnd.nextInt(200); // some values span overflow pages
        w.put(b(k), ByteBuffer.allocate(size));
        expected.add(k + "=" + size);
      }
      w.endBucket();
      w.finish(5);
    }
    List<String> seen = new ArrayList<>();
    try (BoltFile db = BoltFile.open(file)) {
      assertEquals(List.of(), db.metaProblems());
      assertEquals(5, db.meta().txid());
      BoltWalk.Report report = BoltWalk.walk(db, (name, isBucket) -> {
        seen.add(StandardCharsets.UTF_8.decode(name).toString());
        return (k, v, sub) -> seen.add(StandardCharsets.UTF_8.decode(k.duplicate()) + "=" + v.remaining());
      });
      assertEquals(0, report.problemCount(), report.problems().toString());
      assertEquals(expected, seen);
      assertTrue(db.lastKey("c-big").isPresent());
      assertEquals("key-00049999", new String(db.lastKey("c-big").get(), StandardCharsets.UTF_8));
      assertEquals("v1", new String(db.get("b-small", "k1".getBytes()).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void refuses_unsorted_input() throws Exception {
    try (BoltWriter w = BoltWriter.create(dir.resolve("db2"))) {
      w.beginBucket("x".getBytes());
      w.put(b("b"), b("1"));
      assertThrows(IllegalArgumentException.class, () -> w.put(b("a"), b("2")));
      w.endBucket();
      assertThrows(IllegalArgumentException.class, () -> w.beginBucket("a".getBytes()));
    }
  }
}
