package dev.etcddr.bolt;

import java.util.BitSet;

/** Which pages a walk has reached; a second reference to the same page is corruption (a cycle or a shared page). */
final class PageSet {
  private final BitSet seen = new BitSet();

  /** Marks pages [first, first + count); returns the first page that was already marked, or -1. */
  long markRange(long first, long count) {
    for (long p = first; p < first + count; p++) {
      if (seen.get((int) p)) {
        return p;
      }
      seen.set((int) p);
    }
    return -1;
  }

  boolean contains(long page) {
    return seen.get((int) page);
  }
}
