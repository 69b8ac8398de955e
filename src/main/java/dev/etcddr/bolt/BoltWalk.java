package dev.etcddr.bolt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One pass over a whole bbolt file: every top-level bucket in name order, every entry in key order, and on the way
 * the checks {@code bbolt check} makes: each page reachable once, ids and types right, keys ascending within a page
 * and inside the range their parent branch gives them, nothing beyond the high-water mark, free pages not reachable,
 * every page either reachable or free. Problems are collected, not thrown, so a report can list them all; a
 * subtree that cannot be read is skipped after its problem is noted. Work is bounded by the number of pages.
 */
public final class BoltWalk {
  private static final int MAX_DEPTH = 64;
  private static final int MAX_PROBLEMS = 100;
  private static final long FREELIST_NONE = -1L;

  /** Gets each top-level bucket's name and returns the visitor for its entries (null: walk, but visit nothing). */
  @FunctionalInterface
  public interface BucketHandler {
    EntryVisitor bucket(ByteBuffer name, boolean isBucket) throws IOException;
  }

  /** What the walk found wrong; empty lists mean a sound file. */
  public record Report(List<String> metaProblems, List<String> problems, long problemCount, long pagesReached) {
    public boolean sound() {
      return metaProblems.isEmpty() && problemCount == 0;
    }
  }

  private final BoltFile db;
  private final long highWater;
  private final PageSet reached = new PageSet();
  private final List<String> problems = new ArrayList<>();
  private long problemCount;
  /**
   * One read buffer per level of recursion (tree levels, plus the trees of buckets entered from a leaf): a page
   * stays valid while the pages below it are read.
   */
  private final ByteBuffer[] buffers = new ByteBuffer[2 * MAX_DEPTH + 4];
  private int level;

  private BoltWalk(BoltFile db) {
    this.db = db;
    this.highWater = db.meta().highWaterPgid();
  }

  public static Report walk(BoltFile db, BucketHandler handler) throws IOException {
    return new BoltWalk(db).run(handler);
  }

  private void problem(String message) {
    problemCount++;
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(message);
    }
  }

  private Report run(BucketHandler handler) throws IOException {
    reached.markRange(0, 2);
    walkTree(db.meta().rootPgid(), null, null, 0, (name, value, isBucket) -> {
      EntryVisitor entries = handler.bucket(name.duplicate(), isBucket);
      if (isBucket) {
        walkBucket(value, entries, 1, describe(name));
      }
    }, false);
    checkFreePages();
    long count = 0;
    for (long p = 0; p < highWater; p++) {
      if (reached.contains(p)) {
        count++;
      }
    }
    if (problemCount > problems.size()) {
      problems.add("... and " + (problemCount - problems.size()) + " more problems");
    }
    return new Report(db.metaProblems(), List.copyOf(problems), problemCount, count);
  }

  private void walkBucket(ByteBuffer header, EntryVisitor visitor, int depth, String bucketName) throws IOException {
    ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (h.remaining() < 16) {
      problem("bucket " + bucketName + ": header of " + h.remaining() + " bytes, expected 16");
      return;
    }
    long root = h.getLong(h.position());
    if (root != 0) {
      walkTree(root, null, null, depth, visitor, true);
      return;
    }
    Page inline;
    try {
      inline = new Page(h.slice(), 16, "inline bucket " + bucketName);
    } catch (BoltFormatException e) {
      problem(e.getMessage());
      return;
    }
    if (inline.flags() != Page.LEAF) {
      problem("inline bucket " + bucketName + ": page flags 0x" + Integer.toHexString(inline.flags())
          + ", expected a leaf");
      return;
    }
    visitLeaf(inline, null, null, visitor, "inline bucket " + bucketName, depth, true);
  }

  /** @param nested whether sub-buckets found in this tree's leaves are walked here (all but the root tree) */
  private void walkTree(long pgid, ByteBuffer lo, ByteBuffer hi, int depth, EntryVisitor visitor, boolean nested)
      throws IOException {
    if (depth > MAX_DEPTH) {
      problem("page " + pgid + ": tree deeper than " + MAX_DEPTH + " levels");
      return;
    }
    if (pgid < 2 || pgid >= highWater) {
      problem("page " + pgid + ": out of bounds: " + highWater);
      return;
    }
    if (level >= buffers.length) {
      problem("page " + pgid + ": buckets and trees nested deeper than " + buffers.length + " levels");
      return;
    }
    Page page;
    try {
      page = db.page(pgid, buffers[level]);
    } catch (BoltFormatException e) {
      problem(e.getMessage());
      return;
    }
    keep(level, page);
    level++;
    try {
      visitPage(pgid, page, lo, hi, depth, visitor, nested);
    } finally {
      level--;
    }
  }

  private void visitPage(long pgid, Page page, ByteBuffer lo, ByteBuffer hi, int depth, EntryVisitor visitor,
      boolean nested) throws IOException {
    long overflow = page.overflow();
    long twice = reached.markRange(pgid, overflow + 1);
    if (twice >= 0) {
      problem("page " + twice + ": multiple references");
      return;
    }
    String where = "page " + pgid;
    if (page.isBranch()) {
      if (!keysInOrder(page, lo, hi, where)) {
        return;
      }
      if (page.count() == 0) {
        problem(where + ": empty branch page");
      }
      for (int i = 0; i < page.count(); i++) {
        ByteBuffer childLo = i == 0 ? lo : page.keyView(i);
        ByteBuffer childHi = i + 1 < page.count() ? page.keyView(i + 1) : hi;
        walkTree(page.childPgid(i), childLo, childHi, depth + 1, visitor, nested);
      }
    } else if (page.isLeaf()) {
      visitLeaf(page, lo, hi, visitor, where, depth, nested);
    } else {
      problem(where + ": invalid type: flags 0x" + Integer.toHexString(page.flags()) + " (expected branch or leaf)");
    }
  }

  private void keep(int at, Page page) {
    ByteBuffer raw = page.raw();
    if (buffers[at] == null || raw.capacity() > buffers[at].capacity()) {
      buffers[at] = raw;
    }
  }

  private void visitLeaf(Page page, ByteBuffer lo, ByteBuffer hi, EntryVisitor visitor, String where, int depth,
      boolean nested) throws IOException {
    if (!keysInOrder(page, lo, hi, where)) {
      return;
    }
    for (int i = 0; i < page.count(); i++) {
      boolean isBucket = (page.leafFlags(i) & Page.BUCKET_LEAF_FLAG) != 0;
      ByteBuffer value = page.value(i);
      if (visitor != null) {
        visitor.visit(page.keyView(i), value, isBucket);
      }
      if (isBucket && nested) {
        // A bucket nested inside a bucket: etcd never writes one, but its pages must be accounted for.
        walkBucket(value, null, depth + 1, describe(page.keyView(i)));
      }
    }
  }

  private boolean keysInOrder(Page page, ByteBuffer lo, ByteBuffer hi, String where) throws BoltFormatException {
    ByteBuffer previous = null;
    for (int i = 0; i < page.count(); i++) {
      ByteBuffer key = page.keyView(i);
      if (!ordered(previous, key, lo, hi, where, i)) {
        return false;
      }
      previous = key;
    }
    return true;
  }

  /** Key i must be non-empty, greater than the previous key, and inside [lo, hi). */
  private boolean ordered(ByteBuffer previous, ByteBuffer key, ByteBuffer lo, ByteBuffer hi, String where, int i) {
    if (!key.hasRemaining()) {
      problem(where + ": element " + i + " has an empty key");
      return false;
    }
    if (previous != null && compare(previous, key) >= 0) {
      problem(where + ": key " + describe(key) + " needs to be > than the previous element " + describe(previous));
      return false;
    }
    if (lo != null && compare(key, lo) < 0) {
      problem(where + ": key " + describe(key) + " needs to be >= the key in the ancestor " + describe(lo));
      return false;
    }
    if (hi != null && compare(key, hi) >= 0) {
      problem(where + ": key " + describe(key) + " needs to be < than key of the next element in ancestor "
          + describe(hi));
      return false;
    }
    return true;
  }

  /** Unsigned lexicographic order, as Go's bytes.Compare. */
  public static int compare(ByteBuffer a, ByteBuffer b) {
    int i = a.mismatch(b);
    if (i < 0) {
      return 0;
    }
    if (i >= a.remaining() || i >= b.remaining()) {
      return a.remaining() - b.remaining();
    }
    return Integer.compare(Byte.toUnsignedInt(a.get(a.position() + i)), Byte.toUnsignedInt(b.get(b.position() + i)));
  }

  static String describe(ByteBuffer key) {
    StringBuilder sb = new StringBuilder();
    boolean printable = true;
    for (int i = key.position(); i < key.limit(); i++) {
      int c = key.get(i) & 0xff;
      printable &= c >= 0x20 && c < 0x7f;
    }
    int n = Math.min(key.remaining(), 40);
    for (int i = 0; i < n; i++) {
      int c = key.get(key.position() + i) & 0xff;
      sb.append(printable ? String.valueOf((char) c) : String.format("%02x", c));
    }
    String s = printable ? "'" + sb + "'" : "0x" + sb;
    return key.remaining() > n ? s + "..." : s;
  }

  /** Free pages: the freelist page's content, or (when none was synced) every unreachable page. */
  private void checkFreePages() throws IOException {
    long freelist = db.meta().freelistPgid();
    if (freelist == FREELIST_NONE) {
      return;
    }
    if (freelist < 2 || freelist >= highWater) {
      problem("freelist page " + freelist + ": out of bounds: " + highWater);
      return;
    }
    ByteBuffer head = db.header(freelist);
    int flags = Short.toUnsignedInt(head.getShort(8));
    long overflow = Integer.toUnsignedLong(head.getInt(12));
    if (flags != Page.FREELIST) {
      problem("freelist page " + freelist + ": invalid type: flags 0x" + Integer.toHexString(flags));
      return;
    }
    if (freelist + overflow >= highWater) {
      problem("freelist page " + freelist + ": overflow runs past the high-water mark");
      return;
    }
    long twice = reached.markRange(freelist, overflow + 1);
    if (twice >= 0) {
      problem("page " + twice + ": multiple references (freelist)");
      return;
    }
    ByteBuffer page = db.page(freelist).raw();
    long count = Short.toUnsignedInt(page.getShort(10));
    int start = Page.HEADER;
    if (count == 0xFFFF) {
      count = page.getLong(Page.HEADER);
      start += 8;
    }
    if (count < 0 || start + count * 8 > page.limit()) {
      problem("freelist page " + freelist + ": " + count + " ids do not fit in the page");
      return;
    }
    BitSet free = new BitSet();
    for (long i = 0; i < count; i++) {
      long id = page.getLong((int) (start + i * 8));
      if (id < 2 || id >= highWater) {
        problem("page " + id + ": out of bounds: " + highWater + " (in the freelist)");
      } else if (free.get((int) id)) {
        problem("page " + id + ": already freed");
      } else if (reached.contains(id)) {
        problem("page " + id + ": reachable freed");
      } else {
        free.set((int) id);
      }
    }
    for (long p = 2; p < highWater; p++) {
      if (!reached.contains(p) && !free.get((int) p)) {
        problem("page " + p + ": unreachable unfreed");
      }
    }
  }
}
