package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Counts checked against a plain HashMap fed the same generated history of puts, re-puts, deletes, lease moves. */
class LiveKeySetTest {
  /** One revision: a put of key with tag, or (tag == null) a delete. */
  private record Op(String key, Integer tag) {}

  /** Keys drawn from a pool of {@code pool}, so keys come back: put again, moved to another tag, deleted, re-added. */
  private static List<Op> history(long seed, int ops, int pool, int tags, double deletes) {
    Random r = new Random(seed);
    List<Op> h = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      int k = r.nextInt(pool);
      String key = "/registry/pods/ns-" + k % 40 + "/p-" + k;
      h.add(r.nextDouble() < deletes ? new Op(key, null) : new Op(key, r.nextInt(tags + 1) - 1)); // -1: UNTAGGED
    }
    return h;
  }

  private static ByteBuffer bytes(String key) {
    return ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Live keys by tag after the history, as a map would keep them. */
  private static Map<Integer, Long> expected(List<Op> history) {
    Map<String, Integer> live = new HashMap<>();
    for (Op op : history) {
      if (op.tag() == null) {
        live.remove(op.key());
      } else {
        live.put(op.key(), op.tag());
      }
    }
    Map<Integer, Long> byTag = new HashMap<>();
    live.values().forEach(t -> byTag.merge(t, 1L, Long::sum));
    return byTag;
  }

  private static void replay(List<Op> history, LiveKeySet set) {
    for (Op op : history) {
      if (op.tag() == null) {
        set.remove(bytes(op.key()));
      } else {
        set.add(bytes(op.key()), op.tag());
      }
    }
  }

  private static void assertCounts(Map<Integer, Long> want, long size, java.util.function.IntToLongFunction byTag,
      int tags, String what) {
    assertEquals(want.values().stream().mapToLong(Long::longValue).sum(), size, what + ": live keys");
    for (int t = 0; t < tags; t++) {
      assertEquals(want.getOrDefault(t, 0L), byTag.applyAsLong(t), what + ": tag " + t);
    }
  }

  @Test
  void counts_match_a_map_whether_presized_too_small_or_grown_from_nothing() {
    List<Op> h = history(1, 300_000, 120_000, 12, 0.15);
    Map<Integer, Long> want = expected(h);
    for (long expectedKeys : new long[] {0, 1_000, h.size()}) {
      LiveKeySet set = new LiveKeySet(true, expectedKeys, 0, 1);
      replay(h, set);
      assertCounts(want, set.size(), set::liveWithTag, 12, "sized for " + expectedKeys);
    }
  }

  @Test
  void a_table_sized_for_the_revision_count_never_grows() {
    List<Op> h = history(2, 200_000, 150_000, 4, 0.3);
    LiveKeySet set = new LiveKeySet(true, h.size(), 0, 1);
    long capacity = set.capacity();
    replay(h, set);
    assertEquals(capacity, set.capacity(), "one revision names at most one new key");
    assertEquals(LiveKeySet.bytesFor(h.size(), true), capacity * 10);
    assertTrue(capacity * 0.8 >= h.size() && capacity * 0.8 < h.size() + (1 << 15), "load 0.8, whole chunks");
  }

  @Test
  void partitions_together_count_what_one_set_counts() {
    List<Op> h = history(3, 250_000, 100_000, 20, 0.2);
    Map<Integer, Long> want = expected(h);
    for (int partitions : new int[] {2, 7}) {
      long size = 0;
      long[] byTag = new long[20];
      for (int p = 0; p < partitions; p++) {
        LiveKeySet part = new LiveKeySet(true, h.size() / partitions + 1024, p, partitions);
        replay(h, part);
        size += part.size();
        for (int t = 0; t < byTag.length; t++) {
          byTag[t] += part.liveWithTag(t);
        }
      }
      assertCounts(want, size, t -> byTag[t], 20, partitions + " partitions");
    }
  }

  @Test
  void churn_of_deletes_and_re_adds_reuses_tombstones() {
    // Few keys, many deletes and re-puts: tombstones fill a small table, and rehashing clears them.
    List<Op> h = history(4, 400_000, 5_000, 3, 0.5);
    LiveKeySet set = new LiveKeySet(true, 5_000, 0, 1);
    replay(h, set);
    assertCounts(expected(h), set.size(), set::liveWithTag, 3, "churn");
    assertTrue(set.capacity() <= 2 * (1 << 15), "the table stays sized for the keys, not the revisions: "
        + set.capacity());
  }

  @Test
  void more_tags_than_two_bytes_hold_widen_the_tags() {
    List<Op> h = new ArrayList<>();
    for (int i = 0; i < 70_000; i++) {
      h.add(new Op("/registry/ns-" + i + "/k", i));
    }
    for (int i = 0; i < 70_000; i += 3) {
      h.add(new Op("/registry/ns-" + i + "/k", i == 0 ? null : 69_999 - i));
    }
    LiveKeySet set = new LiveKeySet(true, 1_000, 0, 1);
    replay(h, set);
    assertCounts(expected(h), set.size(), set::liveWithTag, 70_000, "70 000 tags");
  }

  @Test
  void an_untagged_set_counts_live_keys_only() {
    List<Op> h = history(5, 200_000, 80_000, 0, 0.25);
    LiveKeySet set = new LiveKeySet(false, 0, 0, 1);
    replay(h, set);
    assertEquals(expected(h).values().stream().mapToLong(Long::longValue).sum(), set.size());
  }

  @Test
  void plan_fits_the_budget_in_as_few_passes_as_it_can() {
    long budget160m = LiveKeyPlan.budget(160L << 20);
    assertEquals(96L << 20, budget160m);
    assertEquals(new LiveKeyPlan(1, 5_350_000), LiveKeyPlan.of(5_350_000, true, budget160m));
    LiveKeyPlan ten = LiveKeyPlan.of(10_000_000, true, budget160m);
    assertEquals(2, ten.passes());
    assertTrue(LiveKeySet.bytesFor(ten.keysPerPass(), true) <= budget160m);
    assertTrue(ten.keysPerPass() >= 5_000_000);
    LiveKeyPlan tiny = LiveKeyPlan.of(5_000_000, false, LiveKeyPlan.budget(16L << 20));
    assertTrue(LiveKeySet.bytesFor(tiny.keysPerPass(), false) <= LiveKeyPlan.MIN_BUDGET, "a heap below the reserve"
        + " still gets a bounded plan: " + tiny);
    assertEquals(new LiveKeyPlan(1, 0), LiveKeyPlan.of(0, true, budget160m));
  }
}
