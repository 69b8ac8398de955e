package dev.etcddr.snapshot;

/**
 * How the live keys of a db are counted within the heap: in how many passes over the db, and for how many keys each
 * pass's {@link LiveKeySet} is sized. The expectation is the revision count of bucket {@code key} (an upper bound on
 * distinct keys: each revision names one key), read from the bucket's pages before the walk.
 *
 * <p>The set may take 3/4 of the heap beyond a 32 MiB reserve: the reserve is for everything else a scan holds (a
 * few pages per tree level, the largest value's overflow pages, the printer: a 5 M-key scan's heap histogram shows
 * 3 MiB besides the set) and the quarter is the collector's room. Under {@code -Xmx160m} that is 96 MiB: one pass
 * up to about 8 M revisions tagged ({@code --count-keys}), 10 M untagged. Beyond, one more pass over the db per
 * 96 MiB of set: slower, never out of memory.
 */
record LiveKeyPlan(int passes, long keysPerPass) {
  static final long RESERVE = 32L << 20;
  /**
   * The least a set is planned for, however small the heap: a set is at least one chunk (320 KiB tagged), and
   * thousands of passes would never end; a heap with less room fails with the out-of-memory exit code instead.
   */
  static final long MIN_BUDGET = 1L << 20;

  static LiveKeyPlan of(long expectedKeys, boolean tagged, long budgetBytes) {
    long budget = Math.max(MIN_BUDGET, budgetBytes);
    int passes = 1;
    while (LiveKeySet.bytesFor(keysPerPass(expectedKeys, passes), tagged) > budget) {
      passes++;
    }
    return new LiveKeyPlan(passes, keysPerPass(expectedKeys, passes));
  }

  private static long keysPerPass(long expectedKeys, int passes) {
    if (passes == 1) {
      return expectedKeys;
    }
    // A partition gets ~1/passes of the keys, give or take √n: 1% more avoids growing a table at the budget's edge.
    long per = (expectedKeys + passes - 1) / passes;
    return per + per / 100 + 1024;
  }

  /** The set's share of a heap of {@code maxHeap} bytes ({@link Runtime#maxMemory()}). */
  static long budget(long maxHeap) {
    return (maxHeap - RESERVE) / 4 * 3;
  }
}
