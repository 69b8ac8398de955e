package dev.etcddr.snapshot;

import java.nio.ByteBuffer;

/**
 * The set of live user keys etcdutl 3.6 counts, kept as 64-bit fingerprints in an open-addressing table: 8 bytes a
 * key instead of the key itself, so a db with millions of keys is counted in a few tens of MB. Two distinct keys
 * sharing a fingerprint (odds ~n²/2^65) would be counted once.
 */
final class LiveKeySet {
  private static final long EMPTY = 0;
  private static final long REMOVED = 1;
  private long[] slots = new long[1 << 12];
  private int used;
  private int live;

  int size() {
    return live;
  }

  void add(ByteBuffer key) {
    long f = fingerprint(key);
    int mask = slots.length - 1;
    int tombstone = -1;
    for (int i = mix(f) & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == f) {
        return;
      }
      if (s == REMOVED && tombstone < 0) {
        tombstone = i;
      } else if (s == EMPTY) {
        if (tombstone >= 0) {
          slots[tombstone] = f;
        } else {
          slots[i] = f;
          used++;
        }
        live++;
        if (used * 2 > slots.length) {
          grow();
        }
        return;
      }
    }
  }

  void remove(ByteBuffer key) {
    long f = fingerprint(key);
    int mask = slots.length - 1;
    for (int i = mix(f) & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == f) {
        slots[i] = REMOVED;
        live--;
        return;
      }
      if (s == EMPTY) {
        return;
      }
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    used = 0;
    int mask = slots.length - 1;
    for (long f : old) {
      if (f != EMPTY && f != REMOVED) {
        int i = mix(f) & mask;
        while (slots[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        slots[i] = f;
        used++;
      }
    }
  }

  private static int mix(long f) {
    return (int) (f ^ (f >>> 29) ^ (f >>> 47));
  }

  /** FNV-1a 64 with a final avalanche; never EMPTY or REMOVED. */
  private static long fingerprint(ByteBuffer key) {
    long h = 0xcbf29ce484222325L;
    for (int i = key.position(); i < key.limit(); i++) {
      h ^= key.get(i) & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == EMPTY || h == REMOVED ? h + 2 : h;
  }
}
