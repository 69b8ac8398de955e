package dev.etcddr.snapshot;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The set of live user keys etcdutl 3.6 counts, kept as 64-bit fingerprints in an open-addressing table: 8 bytes a
 * slot instead of the key itself. Two distinct keys sharing a fingerprint (odds ~n²/2^65) would be counted once.
 *
 * <p>A tagged set also keeps a small tag per key (its group, see {@link KeyGroups}) and the live count of each tag,
 * so per-group counts need no second table and no key text. Tags are 2 bytes a slot (widened to 4 only if a
 * prefix ever has more than 65 534 tags), so a tagged slot is 10 bytes.
 *
 * <p>Memory is sized up front, not discovered by doubling: the table is built for the number of keys the caller
 * expects (an upper bound, the revision count of the db) at a load of 0.8, so 5 M keys take 50 MB untagged, 63 MB
 * tagged, and are never copied into a second table. It is stored in 256 KiB chunks, which a small heap can place
 * anywhere (one huge array needs that much contiguous free heap). A set may own one {@code partition} of the
 * fingerprints out of {@code partitions}: counting in several passes over the db, one partition each, keeps the
 * table within any heap. If the expectation is wrong (a damaged db), the table still grows, by half.
 */
final class LiveKeySet {
  /** The tag of a key counted in no group. */
  static final int UNTAGGED = -1;

  /** Slot bytes: a fingerprint, plus a 2-byte tag when tagged. */
  static final int SLOT_BYTES = 8;
  static final int TAG_BYTES = 2;

  private static final double LOAD = 0.8;
  private static final int CHUNK_BITS = 15;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final long EMPTY = 0;
  private static final long REMOVED = 1;

  private final boolean tagged;
  private final int partition;
  private final int partitions;
  private long[][] slots;
  private char[][] tags; // tag + 1 (0: untagged), while every tag fits
  private int[][] wideTags; // the same, once one does not
  private long capacity;
  private long used; // slots not EMPTY: live and REMOVED
  private long live;
  private long[] liveByTag = new long[0];

  LiveKeySet() {
    this(false);
  }

  LiveKeySet(boolean tagged) {
    this(tagged, 0, 0, 1);
  }

  /** A set sized for {@code expectedKeys} keys of partition {@code partition} (of {@code partitions}). */
  LiveKeySet(boolean tagged, long expectedKeys, int partition, int partitions) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " of " + partitions);
    }
    this.tagged = tagged;
    this.partition = partition;
    this.partitions = partitions;
    allocate(capacityFor(expectedKeys));
  }

  /** Heap bytes of a set sized for {@code keys} keys. */
  static long bytesFor(long keys, boolean tagged) {
    return capacityFor(keys) * (SLOT_BYTES + (tagged ? TAG_BYTES : 0));
  }

  /** Slots for that many keys at the load factor: whole chunks, at least one. */
  private static long capacityFor(long keys) {
    long chunks = Math.max(1, ((long) Math.ceil(keys / LOAD) + CHUNK - 1) >> CHUNK_BITS);
    // index() multiplies 32 bits of fingerprint by the capacity in a long: it must stay below 2^31.
    return Math.min(chunks, (Integer.MAX_VALUE >> CHUNK_BITS)) << CHUNK_BITS;
  }

  /** Slots in the table now: unchanged from the constructor's unless more keys came than expected. */
  long capacity() {
    return capacity;
  }

  long size() {
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
    if (!mine(f)) {
      return;
    }
    long tombstone = -1;
    for (long i = index(f); ; i = next(i)) {
      long s = slot(i);
      if (s == f) {
        int old = tag(i);
        if (tagged && old != tag) {
          countTag(old, -1);
          setTag(i, tag);
          countTag(tag, 1);
        }
        return;
      }
      if (s == REMOVED && tombstone < 0) {
        tombstone = i;
      } else if (s == EMPTY) {
        long at = tombstone >= 0 ? tombstone : i;
        setSlot(at, f);
        if (tombstone < 0) {
          used++;
        }
        if (tagged) {
          setTag(at, tag);
          countTag(tag, 1);
        }
        live++;
        if (used > capacity * LOAD) {
          rehash();
        }
        return;
      }
    }
  }

  void remove(ByteBuffer key) {
    long f = fingerprint(key);
    if (!mine(f)) {
      return;
    }
    for (long i = index(f); ; i = next(i)) {
      long s = slot(i);
      if (s == f) {
        setSlot(i, REMOVED);
        if (tagged) {
          countTag(tag(i), -1);
        }
        live--;
        return;
      }
      if (s == EMPTY) {
        return;
      }
    }
  }

  private boolean mine(long f) {
    return partitions == 1 || Long.remainderUnsigned(f, partitions) == partition;
  }

  /** The high 32 bits scaled to the capacity (which need not be a power of two); {@link #mine} uses all 64. */
  private long index(long f) {
    return ((f >>> 32) * capacity) >>> 32;
  }

  private long next(long i) {
    return i + 1 == capacity ? 0 : i + 1;
  }

  private long slot(long i) {
    return slots[(int) (i >>> CHUNK_BITS)][(int) (i & (CHUNK - 1))];
  }

  private void setSlot(long i, long f) {
    slots[(int) (i >>> CHUNK_BITS)][(int) (i & (CHUNK - 1))] = f;
  }

  private int tag(long i) {
    if (!tagged) {
      return UNTAGGED;
    }
    int c = (int) (i >>> CHUNK_BITS);
    int j = (int) (i & (CHUNK - 1));
    return (wideTags != null ? wideTags[c][j] : tags[c][j]) - 1;
  }

  private void setTag(long i, int tag) {
    int c = (int) (i >>> CHUNK_BITS);
    int j = (int) (i & (CHUNK - 1));
    if (wideTags == null && tag + 1 > Character.MAX_VALUE) {
      widenTags();
    }
    if (wideTags != null) {
      wideTags[c][j] = tag + 1;
    } else {
      tags[c][j] = (char) (tag + 1);
    }
  }

  /** Chunk by chunk, so only one chunk is held twice. */
  private void widenTags() {
    wideTags = new int[tags.length][];
    for (int c = 0; c < tags.length; c++) {
      wideTags[c] = new int[CHUNK];
      for (int j = 0; j < CHUNK; j++) {
        wideTags[c][j] = tags[c][j];
      }
      tags[c] = null;
    }
    tags = null;
  }

  private void allocate(long newCapacity) {
    int chunks = (int) (newCapacity >> CHUNK_BITS);
    capacity = newCapacity;
    slots = new long[chunks][CHUNK];
    tags = tagged && wideTags == null ? new char[chunks][CHUNK] : null;
    wideTags = tagged && wideTags != null ? new int[chunks][CHUNK] : null;
    used = 0;
  }

  /** Only when more keys came than expected, or deletes left too many tombstones: the old table is read once. */
  private void rehash() {
    long[][] oldSlots = slots;
    char[][] oldTags = tags;
    int[][] oldWide = wideTags;
    allocate(capacityFor(Math.max((long) (live * 1.5), (long) (capacity * LOAD))));
    for (int c = 0; c < oldSlots.length; c++) {
      for (int j = 0; j < CHUNK; j++) {
        long f = oldSlots[c][j];
        if (f == EMPTY || f == REMOVED) {
          continue;
        }
        long i = index(f);
        while (slot(i) != EMPTY) {
          i = next(i);
        }
        setSlot(i, f);
        if (tagged) {
          setTag(i, (oldWide != null ? oldWide[c][j] : oldTags[c][j]) - 1);
        }
        used++;
      }
      oldSlots[c] = null; // each chunk may go as soon as it is copied
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

  /** FNV-1a 64 with a final avalanche; never EMPTY or REMOVED. */
  static long fingerprint(ByteBuffer key) {
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
