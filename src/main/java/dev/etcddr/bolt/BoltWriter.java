package dev.etcddr.bolt;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Writes a fresh, compact bbolt file from sorted input, streaming: leaf pages are written as they fill and branch
 * levels are built bottom-up as leaves complete, so memory is a few pages per tree level however large the db.
 * Top-level buckets must come in ascending name order, and keys within a bucket in ascending order. Small buckets
 * are stored inline, as bbolt does. No freelist is written (etcd opens its db with NoFreelistSync); every page is
 * reachable from the root.
 */
public final class BoltWriter implements Closeable {
  public static final int PAGE_SIZE = 4096;
  private static final long FREELIST_NONE = -1L;

  /** Pages are allocated and written in file order, so they are gathered and written 1 MiB at a time. */
  private static final int WRITE_BUFFER = 1 << 20;

  private final FileChannel channel;
  private final ByteBuffer pending = ByteBuffer.allocateDirect(WRITE_BUFFER);
  private long pendingOffset = 2L * PAGE_SIZE;
  private long nextPgid = 2;
  private TreeBuilder bucket;
  private byte[] bucketName;
  private byte[] previousBucketName;
  private final TreeBuilder root = new TreeBuilder();

  private BoltWriter(FileChannel channel) {
    this.channel = channel;
  }

  public static BoltWriter create(Path file) throws IOException {
    return new BoltWriter(FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
  }

  public void beginBucket(byte[] name) {
    if (bucket != null) {
      throw new IllegalStateException("bucket " + new String(bucketName) + " is still open");
    }
    if (previousBucketName != null && java.util.Arrays.compareUnsigned(previousBucketName, name) >= 0) {
      throw new IllegalArgumentException("buckets out of order: " + new String(name) + " after "
          + new String(previousBucketName));
    }
    bucket = new TreeBuilder();
    bucketName = name.clone();
  }

  public void put(ByteBuffer key, ByteBuffer value) throws IOException {
    bucket.add(key, value, 0);
  }

  public void endBucket() throws IOException {
    ByteBuffer header = bucket.finishAsBucketValue();
    root.add(ByteBuffer.wrap(bucketName), header, 1);
    previousBucketName = bucketName;
    bucket = null;
  }

  /** Writes the root bucket and both meta pages and fsyncs. {@code txid} goes in meta 0, txid-1 in meta 1. */
  public void finish(long txid) throws IOException {
    if (bucket != null) {
      throw new IllegalStateException("bucket " + new String(bucketName) + " is still open");
    }
    long rootPgid = root.finishAsRoot();
    flushPending();
    writeMeta(0, rootPgid, txid);
    writeMeta(1, rootPgid, txid - 1);
    channel.force(true);
  }

  private void writeMeta(int id, long rootPgid, long txid) throws IOException {
    ByteBuffer p = ByteBuffer.allocate(PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    p.putLong(0, id).putShort(8, (short) Page.META);
    p.putInt(16, BoltFile.MAGIC).putInt(20, BoltFile.VERSION).putInt(24, PAGE_SIZE).putInt(28, 0);
    p.putLong(32, rootPgid).putLong(40, 0).putLong(48, FREELIST_NONE).putLong(56, nextPgid).putLong(64, txid);
    long h = 0xcbf29ce484222325L;
    for (int i = 16; i < 72; i++) {
      h ^= p.get(i) & 0xff;
      h *= 0x100000001b3L;
    }
    p.putLong(72, h);
    writeAt(p, (long) id * PAGE_SIZE);
  }

  private long writeNode(int flags, Node node) throws IOException {
    int size = node.size();
    int pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    long pgid = nextPgid;
    nextPgid += pages;
    ByteBuffer buf = ByteBuffer.allocate(pages * PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    node.encode(buf, pgid, flags, pages - 1);
    if (pendingOffset + pending.position() != pgid * PAGE_SIZE) {
      throw new IllegalStateException("pages must be written in allocation order");
    }
    if (buf.capacity() > pending.remaining()) {
      flushPending();
    }
    if (buf.capacity() > pending.capacity()) {
      writeAt(buf, pgid * PAGE_SIZE);
      pendingOffset = (pgid + pages) * PAGE_SIZE;
    } else {
      pending.put(buf.position(0));
    }
    return pgid;
  }

  private void flushPending() throws IOException {
    pending.flip();
    long offset = pendingOffset;
    while (pending.hasRemaining()) {
      channel.write(pending, offset + pending.position());
    }
    pendingOffset += pending.limit();
    pending.clear();
  }

  private void writeAt(ByteBuffer buf, long offset) throws IOException {
    buf.position(0);
    while (buf.hasRemaining()) {
      channel.write(buf, offset + buf.position());
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Elements of one page being filled: leaf (flags, key, value) or branch (key, child pgid). */
  private static final class Node {
    private final boolean branch;
    private final List<int[]> elements = new ArrayList<>(); // leaf: {flags, ksize, vsize}; branch: {ksize}
    private final List<Long> children = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private byte[] firstKey;

    Node(boolean branch) {
      this.branch = branch;
    }

    int count() {
      return elements.size();
    }

    int size() {
      return Page.HEADER + Page.ELEMENT * elements.size() + data.size();
    }

    int sizeWith(int keyBytes, int valueBytes) {
      return size() + Page.ELEMENT + keyBytes + valueBytes;
    }

    void addLeaf(ByteBuffer key, ByteBuffer value, int flags) {
      if (firstKey == null) {
        firstKey = bytes(key);
      }
      elements.add(new int[] {flags, key.remaining(), value.remaining()});
      write(key);
      write(value);
    }

    void addBranch(byte[] key, long child) {
      if (firstKey == null) {
        firstKey = key;
      }
      elements.add(new int[] {key.length});
      children.add(child);
      data.writeBytes(key);
    }

    private void write(ByteBuffer b) {
      data.writeBytes(bytes(b));
    }

    private static byte[] bytes(ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }

    /** Page header, elements, then keys/values; pos counts from each element to its key. */
    void encode(ByteBuffer buf, long pgid, int flags, int overflow) {
      int base = buf.position();
      buf.putLong(base, pgid).putShort(base + 8, (short) flags).putShort(base + 10, (short) elements.size())
          .putInt(base + 12, overflow);
      int dataOff = Page.HEADER + Page.ELEMENT * elements.size();
      for (int i = 0; i < elements.size(); i++) {
        int el = base + Page.HEADER + Page.ELEMENT * i;
        int[] e = elements.get(i);
        int pos = dataOff - (Page.HEADER + Page.ELEMENT * i);
        if (branch) {
          buf.putInt(el, pos).putInt(el + 4, e[0]).putLong(el + 8, children.get(i));
          dataOff += e[0];
        } else {
          buf.putInt(el, e[0]).putInt(el + 4, pos).putInt(el + 8, e[1]).putInt(el + 12, e[2]);
          dataOff += e[1] + e[2];
        }
      }
      buf.put(base + Page.HEADER + Page.ELEMENT * elements.size(), data.toByteArray());
    }

    void clear() {
      elements.clear();
      children.clear();
      data.reset();
      firstKey = null;
    }
  }

  /** One B+tree (a bucket's, or the root bucket's), built bottom-up while its sorted entries arrive. */
  private final class TreeBuilder {
    private final Node leaf = new Node(false);
    private final List<Node> branches = new ArrayList<>(); // branches.get(i) is tree level i+1
    private final List<Integer> flushedAt = new ArrayList<>(); // pages written per level (0 = leaves)
    private byte[] lastKey;

    void add(ByteBuffer key, ByteBuffer value, int flags) throws IOException {
      if (!key.hasRemaining()) {
        throw new IllegalArgumentException("empty key");
      }
      byte[] k = Node.bytes(key);
      if (lastKey != null && java.util.Arrays.compareUnsigned(lastKey, k) >= 0) {
        throw new IllegalArgumentException("keys out of order");
      }
      lastKey = k;
      if (leaf.count() > 0 && leaf.sizeWith(key.remaining(), value.remaining()) > PAGE_SIZE) {
        flushLeaf();
      }
      leaf.addLeaf(key, value, flags);
    }

    private void flushLeaf() throws IOException {
      byte[] first = leaf.firstKey;
      long pgid = writeNode(Page.LEAF, leaf);
      leaf.clear();
      count(0);
      addToLevel(1, first, pgid);
    }

    private void count(int level) {
      while (flushedAt.size() <= level) {
        flushedAt.add(0);
      }
      flushedAt.set(level, flushedAt.get(level) + 1);
    }

    private void addToLevel(int level, byte[] key, long child) throws IOException {
      while (branches.size() < level) {
        branches.add(new Node(true));
      }
      Node node = branches.get(level - 1);
      if (node.count() > 0 && node.sizeWith(key.length, 0) > PAGE_SIZE) {
        flushBranch(level);
      }
      node.addBranch(key, child);
    }

    private void flushBranch(int level) throws IOException {
      Node node = branches.get(level - 1);
      byte[] first = node.firstKey;
      long pgid = writeNode(Page.BRANCH, node);
      node.clear();
      count(level);
      addToLevel(level + 1, first, pgid);
    }

    /** Root page id of the finished tree (a single leaf may be the root; a branch with one child never is). */
    long finishAsRoot() throws IOException {
      if (branches.isEmpty()) {
        return writeNode(Page.LEAF, leaf); // everything fits in one leaf (possibly empty)
      }
      if (leaf.count() > 0) {
        flushLeaf();
      }
      for (int level = 1; ; level++) {
        Node node = branches.get(level - 1);
        boolean top = branches.size() == level;
        if (top) {
          if (node.count() == 1 && level > 0) {
            return node.children.get(0);
          }
          return writeNode(Page.BRANCH, node);
        }
        if (node.count() > 0) {
          flushBranch(level);
        }
      }
    }

    /** The 16-byte bucket header, plus the inline leaf page when the bucket is small enough to live in it. */
    ByteBuffer finishAsBucketValue() throws IOException {
      if (branches.isEmpty() && leaf.size() <= PAGE_SIZE / 4 && !hasSubBuckets()) {
        ByteBuffer v = ByteBuffer.allocate(16 + leaf.size()).order(ByteOrder.LITTLE_ENDIAN);
        v.position(16);
        leaf.encode(v, 0, Page.LEAF, 0);
        return v.position(0);
      }
      long rootPgid = finishAsRoot();
      return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, rootPgid).putLong(8, 0);
    }

    private boolean hasSubBuckets() {
      return leaf.elements.stream().anyMatch(e -> e[0] != 0);
    }
  }
}
