package dev.etcddr.restore;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.bolt.BoltWalk;
import dev.etcddr.bolt.BoltWriter;
import dev.etcddr.bolt.EntryVisitor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Copies a snapshot's db into a fresh compact bbolt file, in one streaming pass, changing what etcdutl 3.5 changes:
 * membership replaced by the new members ({@code members} rewritten, {@code members_removed} emptied, both and
 * {@code cluster} created if missing), {@code meta/consistent_index} = N and {@code meta/term} = 1, and with a bump,
 * an empty marker at revision latest+B in {@code key} plus {@code meta/scheduledCompactRev} = that revision, so
 * etcd resumes the compaction at start and every older revision reads as compacted. Everything else byte for byte.
 */
final class DbRewriter {
  /** What the copy found and did. */
  record Result(long revisionBefore, long revisionAfter, BoltWalk.Report structure, long entries) {}

  private final BoltWriter out;
  private final ClusterPlan plan;
  private final long bump;
  private final TreeSet<String> toCreate = new TreeSet<>();
  private String open;
  private long latestMain;
  private long entries;
  private Map<byte[], byte[]> metaOverrides;

  private DbRewriter(BoltWriter out, ClusterPlan plan, long bump) {
    this.out = out;
    this.plan = plan;
    this.bump = bump;
    toCreate.addAll(java.util.List.of("cluster", "key", "members", "members_removed", "meta"));
  }

  static Result rewrite(BoltFile source, Path target, ClusterPlan plan, long bump) throws IOException {
    try (BoltWriter out = BoltWriter.create(target)) {
      DbRewriter r = new DbRewriter(out, plan, bump);
      BoltWalk.Report report = BoltWalk.walk(source, r::bucket);
      r.close();
      while (!r.toCreate.isEmpty()) {
        r.create(r.toCreate.pollFirst());
      }
      out.finish(source.meta().txid() + 1);
      return new Result(r.latestMain, r.latestMain + bump, report, r.entries);
    }
  }

  private EntryVisitor bucket(ByteBuffer nameBytes, boolean isBucket) throws IOException {
    String name = StandardCharsets.UTF_8.decode(nameBytes.duplicate()).toString();
    if (!isBucket) {
      throw new IOException("the snapshot has a plain key '" + name + "' where etcd keeps only buckets");
    }
    close();
    while (!toCreate.isEmpty() && toCreate.first().compareTo(name) < 0) {
      create(toCreate.pollFirst());
    }
    toCreate.remove(name);
    begin(name);
    return switch (name) {
      case "members" -> {
        writeMembers();
        yield (k, v, sub) -> { };
      }
      case "members_removed" -> (k, v, sub) -> { };
      case "meta" -> this::meta;
      case "key" -> (k, v, sub) -> {
        if (k.remaining() >= 8) {
          latestMain = k.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(k.position());
        }
        put(k, v);
      };
      default -> (k, v, sub) -> put(k, v);
    };
  }

  private void begin(String name) {
    out.beginBucket(name.getBytes(StandardCharsets.UTF_8));
    open = name;
    if (name.equals("meta")) {
      metaOverrides = overrides();
    }
  }

  /** A bucket the snapshot lacks: created with what etcd would have put in it. */
  private void create(String name) throws IOException {
    begin(name);
    if (name.equals("members")) {
      writeMembers();
    }
    close();
  }

  private void close() throws IOException {
    if (open == null) {
      return;
    }
    if (open.equals("meta")) {
      for (var e : metaOverrides.entrySet()) {
        put(ByteBuffer.wrap(e.getKey()), ByteBuffer.wrap(e.getValue()));
      }
      metaOverrides.clear();
    }
    if (open.equals("key") && bump > 0) {
      put(ByteBuffer.wrap(revision(latestMain + bump)), ByteBuffer.allocate(0));
    }
    out.endBucket();
    open = null;
  }

  private void writeMembers() throws IOException {
    TreeMap<String, Member> byHex = new TreeMap<>();
    plan.members().forEach(m -> byHex.put(MemberIds.hex(m.id()), m));
    for (var e : byHex.entrySet()) {
      put(ByteBuffer.wrap(e.getKey().getBytes(StandardCharsets.US_ASCII)),
          ByteBuffer.wrap(e.getValue().json().getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** meta entries in key order, with the overrides merged in at their places. */
  private void meta(ByteBuffer k, ByteBuffer v, boolean sub) throws IOException {
    byte[] key = new byte[k.remaining()];
    k.duplicate().get(key);
    var it = metaOverrides.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      int c = Arrays.compareUnsigned(e.getKey(), key);
      if (c > 0) {
        break;
      }
      put(ByteBuffer.wrap(e.getKey()), ByteBuffer.wrap(e.getValue()));
      it.remove();
      if (c == 0) {
        return; // replaced
      }
    }
    put(k, v);
  }

  private Map<byte[], byte[]> overrides() {
    Map<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
    m.put(ascii("consistent_index"), be64(plan.members().size()));
    m.put(ascii("term"), be64(1));
    if (bump > 0) {
      // Known only after the key bucket ("key" < "meta"), which bbolt's name order guarantees comes first.
      m.put(ascii("scheduledCompactRev"), revision(latestMain + bump));
    }
    return m;
  }

  private void put(ByteBuffer k, ByteBuffer v) throws IOException {
    out.put(k, v);
    entries++;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] be64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /** be64(main) '_' be64(0): the 17-byte form of a revision. */
  static byte[] revision(long main) {
    return ByteBuffer.allocate(17).putLong(main).put((byte) '_').putLong(0).array();
  }
}
