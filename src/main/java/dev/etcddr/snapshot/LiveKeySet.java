package dev.etcddr.snapshot;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The set of live user keys etcdutl 3.6 counts, kept as 64-bit fingerprints in an open-addressing table: 8 bytes a
 * key instead of the key itself, so a db with millions of keys is counted in a few tens of MB. Two distinct keys
 * sharing a fingerprint (odds ~n²/2^65) would be counted once.
 *
 * <p>A tagged set also keeps a small int per key (its group, see {@link KeyGroups}: 4 more bytes a key) and the
 * live count of each tag, so per-group counts need no second table and no key text.
 */
final class LiveKeySet {
  /** The tag of a key counted in no group. */
  static final int UNTAGGED = -1;

  private static final long EMPTY = 0;
  private static final long REMOVED = 1;
  private final boolean tagged;
  private long[] slots = new long[1 << 12];
  private int[] tags;
  private long[] liveByTag = new long[0];
  private int used;
  private int live;

  LiveKeySet() {
    this(false);
  }

  LiveKeySet(boolean tagged) {
    this.tagged = tagged;
    this.tags = tagged ? new int[slots.length] : null;
  }

  int size() {
    return live;
  }

  /** Live keys added with {@code tag}. */
  long liveWithTag(int tag) {
    return tag >= 0 && tag < liveByTag.length ? liveByTag[tag] : 0;
  }

  void add(ByteBuffer key) {
    add(key, UNTAGGED);
  }

  /** Adds a key, or gives a live key its new tag (a later put of a key may attach or drop a lease). */
  void add(ByteBuffer key, int tag) {
    long f = fingerprint(key);
    int mask = slots.length - 1;
    int tombstone = -1;
    for (int i = mix(f) & mask; ; i = (i + 1) & mask) {
      long s = slots[i];
      if (s == f) {
        if (tagged && tags[i] != tag) {
          countTag(tags[i], -1);
          tags[i] = tag;
          countTag(tag, 1);
        }
        return;
      }
      if (s == REMOVED && tombstone < 0) {
        tombstone = i;
      } else if (s == EMPTY) {
        int at = tombstone >= 0 ? tombstone : i;
        slots[at] = f;
        if (tombstone < 0) {
          used++;
        }
        if (tagged) {
          tags[at] = tag;
          countTag(tag, 1);
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
        if (tagged) {
          countTag(tags[i], -1);
        }
        live--;
        return;
      }
      if (s == EMPTY) {
        return;
      }
    }
  }

  private void countTag(int tag, int delta) {
    if (tag < 0) {
      return;
    }
    if (tag >= liveByTag.length) {
      liveByTag = Arrays.copyOf(liveByTag, Math.max(tag + 1, liveByTag.length * 2));
    }
    liveByTag[tag] += delta;
  }

  private void grow() {
    long[] old = slots;
    int[] oldTags = tags;
    slots = new long[old.length * 2];
    tags = tagged ? new int[slots.length] : null;
    used = 0;
    int mask = slots.length - 1;
    for (int j = 0; j < old.length; j++) {
      long f = old[j];
      if (f != EMPTY && f != REMOVED) {
        int i = mix(f) & mask;
        while (slots[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        slots[i] = f;
        if (tagged) {
          tags[i] = oldTags[j];
        }
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
