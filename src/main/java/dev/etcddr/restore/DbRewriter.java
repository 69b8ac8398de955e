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
 * Copies a snapshot's db into a fresh compact bbolt file, in one streaming pass, changing what etcdutl changes and
 * nothing else. etcdutl 3.5.16 and 3.6.14 change the same entries ({@code etcdutl/snapshot/v3_snapshot.go} at both
 * tags), so one rewrite serves a snapshot of any version:
 *
 * <ul>
 *   <li>{@code members} and {@code members_removed} emptied ({@code saveDB} → {@code TrimMembershipFromBackend}:
 *       3.5 {@code membership}, 3.6 {@code schema/membership.go}), then the new members written as
 *       {@code <hex id> → {"id":…,"peerURLs":[…],"name":…}} ({@code saveWALAndSnap} → {@code AddMember} →
 *       {@code MustSaveMemberToBackend}); {@code members}, {@code members_removed} and {@code cluster} created if
 *       missing ({@code MustCreateBackendBuckets}). A 3.6 server reads membership from here, not from the
 *       {@code .snap} ({@code RaftCluster.Recover}), which is why stale members must never survive.
 *   <li>{@code meta/consistent_index} = N members and {@code meta/term} = 1 ({@code updateCIndex}: 3.6
 *       {@code UpdateConsistentIndexForce}, 3.5 {@code UpdateConsistentIndex}; the same bytes).
 *   <li>With {@code --bump-revision B --mark-compacted}: an empty marker at revision latest+B in {@code key} and
 *       {@code meta/scheduledCompactRev} = that revision, and not {@code finishedCompactRev}
 *       ({@code modifyLatestRevision}, {@code unsafeMarkRevisionCompacted}), so etcd resumes the compaction at
 *       start ({@code mvcc/kvstore.go restore}) and every older revision reads as compacted.
 * </ul>
 *
 * <p>Kept as they are, as etcdutl keeps them: {@code meta/storageVersion} (a 3.6 snapshot stays 3.6, a 3.5 one gets
 * none), {@code meta/confState} (no 3.6 server code reads it back), {@code finishedCompactRev}, the {@code cluster}
 * bucket's {@code clusterVersion} and {@code downgrade}, alarms, leases, auth.
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
