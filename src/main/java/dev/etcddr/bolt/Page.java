package dev.etcddr.bolt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One bbolt page (with its overflow pages), or an inline bucket's embedded leaf page. Little-endian header:
 * id u64, flags u16, count u16, overflow u32; then 16-byte elements. Every offset is bounds-checked, so a corrupt
 * page raises {@link BoltFormatException}, never an index error.
 */
final class Page {
  static final int HEADER = 16;
  static final int ELEMENT = 16;
  static final int BRANCH = 0x01;
  static final int LEAF = 0x02;
  static final int META = 0x04;
  static final int FREELIST = 0x10;
  static final int BUCKET_LEAF_FLAG = 0x01;

  private final ByteBuffer buf;
  private final int base;
  private final String where;

  Page(ByteBuffer buf, int base, String where) throws BoltFormatException {
    this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.base = base;
    this.where = where;
    if (base + HEADER > this.buf.limit()) {
      throw new BoltFormatException(where + ": page header runs past the data");
    }
    if (base + HEADER + (long) count() * ELEMENT > this.buf.limit()) {
      throw new BoltFormatException(where + ": " + count() + " elements do not fit in the page");
    }
  }

  /** The whole page, little-endian, positioned at its start. */
  ByteBuffer raw() {
    return buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  long id() {
    return buf.getLong(base);
  }

  int flags() {
    return Short.toUnsignedInt(buf.getShort(base + 8));
  }

  int count() {
    return Short.toUnsignedInt(buf.getShort(base + 10));
  }

  long overflow() {
    return Integer.toUnsignedLong(buf.getInt(base + 12));
  }

  boolean isLeaf() {
    return flags() == LEAF;
  }

  boolean isBranch() {
    return flags() == BRANCH;
  }

  private int element(int i) {
    return base + HEADER + i * ELEMENT;
  }

  /** Leaf element flags (1 = sub-bucket). */
  int leafFlags(int i) {
    return buf.getInt(element(i));
  }

  byte[] key(int i) throws BoltFormatException {
    int el = element(i);
    if (isBranch()) {
      return slice(el, Integer.toUnsignedLong(buf.getInt(el)), Integer.toUnsignedLong(buf.getInt(el + 4)));
    }
    return slice(el, Integer.toUnsignedLong(buf.getInt(el + 4)), Integer.toUnsignedLong(buf.getInt(el + 8)));
  }

  /** The value of leaf element i, as a view (no copy), positioned at 0. */
  ByteBuffer value(int i) throws BoltFormatException {
    int el = element(i);
    long pos = Integer.toUnsignedLong(buf.getInt(el + 4));
    long ksize = Integer.toUnsignedLong(buf.getInt(el + 8));
    long vsize = Integer.toUnsignedLong(buf.getInt(el + 12));
    long start = el + pos + ksize;
    check(start, vsize);
    return buf.duplicate().position((int) start).limit((int) (start + vsize)).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The key of element i as a view (no copy). */
  ByteBuffer keyView(int i) throws BoltFormatException {
    int el = element(i);
    long pos;
    long size;
    if (isBranch()) {
      pos = Integer.toUnsignedLong(buf.getInt(el));
      size = Integer.toUnsignedLong(buf.getInt(el + 4));
    } else {
      pos = Integer.toUnsignedLong(buf.getInt(el + 4));
      size = Integer.toUnsignedLong(buf.getInt(el + 8));
    }
    long start = el + pos;
    check(start, size);
    return buf.duplicate().position((int) start).limit((int) (start + size)).slice();
  }

  long childPgid(int i) {
    return buf.getLong(element(i) + 8);
  }

  private byte[] slice(int el, long pos, long size) throws BoltFormatException {
    long start = el + pos;
    check(start, size);
    byte[] out = new byte[(int) size];
    buf.get((int) start, out);
    return out;
  }

  private void check(long start, long size) throws BoltFormatException {
    if (start < 0 || size < 0 || start + size > buf.limit()) {
      throw new BoltFormatException(where + ": element data runs past the end of the page");
    }
  }
}
