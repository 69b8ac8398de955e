package dev.etcddr.bolt;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Read-only access to a bbolt database file (an etcd {@code member/snap/db}, or a snapshot, whose trailer lies
 * beyond the high-water mark and is ignored). Pages are read on demand with positional reads, so memory does not
 * grow with the file. Knows nothing about etcd.
 */
public final class BoltFile implements Closeable {
  static final int MAGIC = 0xED0CDAED;
  static final int VERSION = 2;
  private static final int MAX_DEPTH = 64;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** The meta page in use. */
  public record Meta(int pageSize, long rootPgid, long freelistPgid, long highWaterPgid, long txid) {}

  /** No page (with its overflow) may be larger than this: a corrupt overflow count must not exhaust memory. */
  static final long MAX_PAGE_SPAN = 256L << 20;

  private final FileChannel channel;
  private final Path path;
  private final Meta meta;
  private final java.util.List<String> metaProblems = new java.util.ArrayList<>();

  private BoltFile(Path path, FileChannel channel) throws IOException {
    this.path = path;
    this.channel = channel;
    this.meta = readMeta();
  }

  public static BoltFile open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new BoltFile(path, ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public Meta meta() {
    return meta;
  }

  /** Why a meta page is unusable, one line each; empty when both are valid. */
  public java.util.List<String> metaProblems() {
    return java.util.List.copyOf(metaProblems);
  }

  public Path path() {
    return path;
  }

  /** Bytes of page {@code pgid}'s header, for checks that must look before trusting the page. */
  ByteBuffer header(long pgid) throws IOException {
    return readAt(pgid * meta.pageSize(), Page.HEADER).order(ByteOrder.LITTLE_ENDIAN);
  }

  private Meta readMeta() throws IOException {
    long size = channel.size();
    if (size < 4096) {
      throw new BoltFormatException(path + ": " + size + " bytes is too small for a bbolt database");
    }
    Meta m0 = decodeMeta(readAt(0, 4096), 0, metaProblems);
    int pageSize = m0 != null ? m0.pageSize() : 4096;
    Meta m1 = size >= 2L * pageSize ? decodeMeta(readAt(pageSize, 4096), 1, metaProblems) : null;
    if (m1 == null && size < 2L * pageSize) {
      metaProblems.add("meta page 1: beyond the end of the file");
    }
    Meta chosen = m0 == null ? m1 : m1 == null ? m0 : (m1.txid() > m0.txid() ? m1 : m0);
    if (chosen == null) {
      throw new BoltFormatException(path + ": neither meta page is valid (" + String.join("; ", metaProblems)
          + "): not a bbolt database, or corrupted");
    }
    if (chosen.highWaterPgid() > size / chosen.pageSize()) {
      throw new BoltFormatException(path + ": truncated: the meta page says " + chosen.highWaterPgid() + " pages of "
          + chosen.pageSize() + " bytes, the file has " + size + " bytes");
    }
    return chosen;
  }

  /** A valid meta page, or null (with the reason added to problems): magic, version, checksum, sizes, ids. */
  private static Meta decodeMeta(ByteBuffer page, int expectedId, java.util.List<String> problems) {
    page.order(ByteOrder.LITTLE_ENDIAN);
    String where = "meta page " + expectedId + ": ";
    if (page.getInt(16) != MAGIC) {
      problems.add(where + "bad magic 0x" + Integer.toHexString(page.getInt(16)) + " (not a bbolt database?)");
      return null;
    }
    if (page.getInt(20) != VERSION) {
      problems.add(where + "unsupported version " + page.getInt(20));
      return null;
    }
    long hash = FNV_OFFSET;
    for (int i = 16; i < 72; i++) {
      hash ^= page.get(i) & 0xff;
      hash *= FNV_PRIME;
    }
    if (hash != page.getLong(72)) {
      problems.add(where + "checksum mismatch");
      return null;
    }
    int pageSize = page.getInt(24);
    if (pageSize < 1024 || Integer.bitCount(pageSize) != 1 || pageSize > (1 << 24)) {
      problems.add(where + "page size " + pageSize + " is not a power of two between 1 KiB and 16 MiB");
      return null;
    }
    Meta m = new Meta(pageSize, page.getLong(32), page.getLong(48), page.getLong(56), page.getLong(64));
    if (page.getLong(0) != expectedId) {
      problems.add(where + "page id is " + page.getLong(0));
      return null;
    }
    if (m.highWaterPgid() < 3 || m.highWaterPgid() > Integer.MAX_VALUE) {
      problems.add(where + "high-water mark of " + m.highWaterPgid() + " pages is impossible");
      return null;
    }
    if (m.rootPgid() < 2 || m.rootPgid() >= m.highWaterPgid()) {
      problems.add(where + "root page " + m.rootPgid() + " outside 2.." + (m.highWaterPgid() - 1));
      return null;
    }
    return m;
  }

  private ByteBuffer readAt(long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      int n = channel.read(buf, offset + buf.position());
      if (n < 0) {
        throw new BoltFormatException(path + ": unexpected end of file at offset " + (offset + buf.position()));
      }
    }
    return buf.flip();
  }

  Page page(long pgid) throws IOException {
    return page(pgid, null);
  }

  /**
   * Reads page {@code pgid} with its overflow pages, in one read when it has none. {@code scratch}, if large
   * enough, is reused for the bytes (the previous page read into it becomes invalid).
   */
  Page page(long pgid, ByteBuffer scratch) throws IOException {
    if (pgid < 2 || pgid >= meta.highWaterPgid()) {
      throw new BoltFormatException(path + ": reference to page " + pgid + " outside 2.." + (meta.highWaterPgid() - 1));
    }
    int ps = meta.pageSize();
    ByteBuffer buf = scratch != null && scratch.capacity() >= ps ? scratch.clear().limit(ps) : ByteBuffer.allocate(ps);
    readFully(buf, pgid * ps);
    long overflow = Integer.toUnsignedLong(buf.order(ByteOrder.LITTLE_ENDIAN).getInt(12));
    if (pgid + overflow >= meta.highWaterPgid() || (overflow + 1) * ps > MAX_PAGE_SPAN) {
      throw new BoltFormatException(path + ": page " + pgid + " claims " + overflow + " overflow pages, past the end"
          + " of the database or beyond " + (MAX_PAGE_SPAN >> 20) + " MiB");
    }
    if (overflow > 0) {
      int span = (int) ((overflow + 1) * ps);
      ByteBuffer big = scratch != null && scratch.capacity() >= span ? scratch : ByteBuffer.allocate(span);
      if (big != buf) {
        big.clear().put(buf.flip());
      }
      big.limit(span).position(ps);
      readFully(big, pgid * ps);
      buf = big;
    }
    buf.position(0);
    Page p = new Page(buf, 0, path + " page " + pgid);
    if (p.id() != pgid) {
      throw new BoltFormatException(path + ": page " + pgid + " carries id " + p.id());
    }
    return p;
  }

  /** Fills buf from its position to its limit with the file bytes at fileOffset + position. */
  private void readFully(ByteBuffer buf, long fileOffset) throws IOException {
    while (buf.hasRemaining()) {
      if (channel.read(buf, fileOffset + buf.position()) < 0) {
        throw new BoltFormatException(path + ": unexpected end of file at offset " + (fileOffset + buf.position()));
      }
    }
  }

  /** The root page of a top-level bucket: a real page, or the inline page inside the bucket value. */
  private Optional<Page> bucketRoot(String name) throws IOException {
    Optional<LeafEntry> entry = find(page(meta.rootPgid()), name.getBytes(StandardCharsets.UTF_8), 0);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    if ((entry.get().flags() & Page.BUCKET_LEAF_FLAG) == 0) {
      throw new BoltFormatException(path + ": '" + name + "' is a key in the root bucket, not a bucket");
    }
    ByteBuffer header = entry.get().value();
    if (header.remaining() < 16) {
      throw new BoltFormatException(path + ": bucket '" + name + "' has a short header");
    }
    long root = header.getLong(0);
    if (root == 0) {
      return Optional.of(new Page(header, 16, path + " inline bucket " + name));
    }
    return Optional.of(page(root));
  }

  private record LeafEntry(int flags, ByteBuffer value) {}

  private Optional<LeafEntry> find(Page p, byte[] key, int depth) throws IOException {
    checkDepth(depth);
    if (p.isBranch()) {
      if (p.count() == 0) {
        throw new BoltFormatException(path + ": empty branch page " + p.id());
      }
      int child = 0;
      for (int i = 1; i < p.count(); i++) {
        if (Arrays.compareUnsigned(p.key(i), key) <= 0) {
          child = i;
        } else {
          break;
        }
      }
      return find(page(p.childPgid(child)), key, depth + 1);
    }
    if (!p.isLeaf()) {
      throw new BoltFormatException(path + ": page " + p.id() + " has flags 0x" + Integer.toHexString(p.flags())
          + " where a branch or leaf page belongs");
    }
    for (int i = 0; i < p.count(); i++) {
      if (Arrays.equals(p.key(i), key)) {
        return Optional.of(new LeafEntry(p.leafFlags(i), p.value(i)));
      }
    }
    return Optional.empty();
  }

  private void checkDepth(int depth) throws BoltFormatException {
    if (depth > MAX_DEPTH) {
      throw new BoltFormatException(path + ": page tree deeper than " + MAX_DEPTH + " (a cycle in page references?)");
    }
  }

  /** The value stored under key in a top-level bucket. */
  public Optional<byte[]> get(String bucket, byte[] key) throws IOException {
    Optional<Page> root = bucketRoot(bucket);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    return find(root.get(), key, 0).map(e -> {
      byte[] out = new byte[e.value().remaining()];
      e.value().get(out);
      return out;
    });
  }

  /**
   * How many entries a top-level bucket holds, from its branch pages and the 16-byte header of each leaf (which
   * carries the leaf's element count): a small fraction of the bytes a walk reads, so a reader can size its tables
   * before the walk instead of doubling them during it. Empty when the bucket's tree cannot be read or names more
   * pages than the file has (a cycle); the walk then says what is wrong.
   */
  public OptionalLong entryCount(String bucket) {
    try {
      Optional<Page> root = bucketRoot(bucket);
      if (root.isEmpty()) {
        return OptionalLong.of(0);
      }
      long[] pagesLeft = {meta.highWaterPgid()};
      return OptionalLong.of(countEntries(root.get(), pagesLeft, 0));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  private long countEntries(Page p, long[] pagesLeft, int depth) throws IOException {
    checkDepth(depth);
    if (p.isLeaf()) {
      return p.count();
    }
    if (!p.isBranch()) {
      throw new BoltFormatException(path + ": page " + p.id() + " is neither a branch nor a leaf");
    }
    long n = 0;
    for (int i = 0; i < p.count(); i++) {
      long child = p.childPgid(i);
      if (--pagesLeft[0] < 0 || child < 2 || child >= meta.highWaterPgid()) {
        throw new BoltFormatException(path + ": bucket tree names page " + child + " or more pages than the file has");
      }
      ByteBuffer h = header(child);
      n += Short.toUnsignedInt(h.getShort(8)) == Page.LEAF ? Short.toUnsignedInt(h.getShort(10))
          : countEntries(page(child), pagesLeft, depth + 1);
    }
    return n;
  }

  /** The greatest key of a top-level bucket; empty when the bucket is absent or empty. */
  public Optional<byte[]> lastKey(String bucket) throws IOException {
    Optional<Page> root = bucketRoot(bucket);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    Page p = root.get();
    for (int depth = 0; ; depth++) {
      checkDepth(depth);
      if (p.count() == 0) {
        return Optional.empty();
      }
      if (p.isLeaf()) {
        return Optional.of(p.key(p.count() - 1));
      }
      if (!p.isBranch()) {
        throw new BoltFormatException(path + ": page " + p.id() + " is neither a branch nor a leaf");
      }
      p = page(p.childPgid(p.count() - 1));
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
