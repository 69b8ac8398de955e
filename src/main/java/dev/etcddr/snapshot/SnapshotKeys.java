package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.bolt.BoltWalk;
import dev.etcddr.kube.KubeValue;
import dev.etcddr.kube.KubeValues;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The keys a snapshot file holds at its revision, read from bbolt without etcd: bucket "key" is every revision in
 * order ({@code be64(main) '_' be64(sub)}, a trailing {@code 't'} for a delete), so the last put of a key not
 * deleted after it is the key's value, as {@code etcdctl get} would have answered at that revision. Only keys under
 * the prefix are kept, each with its latest value: a narrow prefix keeps little in memory.
 */
public final class SnapshotKeys {
  private SnapshotKeys() {}

  /** One live key: its revisions as etcd reports them, and the exact value bytes. */
  public record StoredKey(byte[] key, long createRevision, long modRevision, long version, long lease,
      byte[] value) {
    public String keyText() {
      return new String(key, StandardCharsets.UTF_8);
    }

    /** What the value is, as the apiserver stored it. */
    public KubeValue decoded() {
      return KubeValues.decode(value);
    }
  }

  /** The live keys under {@code prefix} (empty: every key), in key order, and the snapshot's revision. */
  public record Listing(Path file, long revision, List<StoredKey> keys) {}

  public static Listing live(Path file, byte[] prefix) {
    ByteBuffer wanted = ByteBuffer.wrap(prefix);
    return live(file, key -> startsWith(key, wanted));
  }

  /** The live keys among {@code keys} (those the snapshot does not hold are absent from the listing). */
  public static Listing live(Path file, Set<String> keys) {
    Set<ByteBuffer> wanted = new HashSet<>();
    keys.forEach(k -> wanted.add(ByteBuffer.wrap(k.getBytes(StandardCharsets.UTF_8))));
    return live(file, wanted::contains);
  }

  private static Listing live(Path file, Predicate<ByteBuffer> wanted) {
    Map<byte[], StoredKey> live = new TreeMap<>(Arrays::compareUnsigned);
    long revision = scan(file, (tombstone, kv) -> {
      if (!wanted.test(kv.key())) {
        return;
      }
      byte[] key = bytes(kv.key());
      if (tombstone) {
        live.remove(key);
      } else {
        live.put(key, stored(key, kv));
      }
    });
    return new Listing(file, revision, List.copyOf(new ArrayList<>(live.values())));
  }

  /**
   * The live objects, anywhere in the snapshot, whose metadata.uid is one of {@code uids}: how an undelete finds
   * the owners its objects name (an owner reference gives kind, name and uid, not a key). Only the keys that
   * currently hold a wanted uid are kept, so memory stays small whatever the snapshot's size.
   */
  public static Map<String, StoredKey> liveByUid(Path file, Set<String> uids) {
    Map<byte[], StoredKey> found = new TreeMap<>(Arrays::compareUnsigned);
    if (uids.isEmpty()) {
      return Map.of();
    }
    scan(file, (tombstone, kv) -> {
      byte[] key = bytes(kv.key());
      KubeValue value = tombstone ? null : KubeValues.decode(bytes(kv.value()));
      if (value instanceof KubeValue.Decoded d && uids.contains(d.metadata().uid())) {
        found.put(key, stored(key, kv));
      } else {
        found.remove(key);
      }
    });
    Map<String, StoredKey> byUid = new HashMap<>();
    found.values().forEach(k -> byUid.put(((KubeValue.Decoded) k.decoded()).metadata().uid(), k));
    return byUid;
  }

  /** Each revision of the key bucket in order: a delete, or a put and its KeyValue. */
  private interface RevisionVisitor {
    void visit(boolean tombstone, KeyValueField.Fields kv);
  }

  /** Walks every revision, refusing a damaged file or revision; returns the last revision (the snapshot's). */
  private static long scan(Path file, RevisionVisitor visitor) {
    long[] revision = {0};
    String[] problem = {null};
    try (BoltFile db = SnapshotFiles.open(file)) {
      BoltWalk.Report report = BoltWalk.walk(db, (name, isBucket) -> !isBucket
          || !name.equals(SnapshotScan.KEY_BUCKET.duplicate()) ? null : (k, v, sub) -> {
            if (problem[0] != null || sub) {
              return;
            }
            String bad = SnapshotScan.revisionKeyProblem(k);
            KeyValueField.Fields kv = bad == null ? KeyValueField.read(v) : null;
            if (kv == null) {
              problem[0] = "revision key " + SnapshotScan.hex(k) + (bad != null ? ": " + bad
                  : ": its value is not an mvccpb.KeyValue");
              return;
            }
            revision[0] = k.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(k.position());
            visitor.visit(SnapshotScan.isTombstone(k), kv);
          });
      if (!report.sound()) {
        String first = !report.metaProblems().isEmpty() ? report.metaProblems().get(0)
            : report.problems().isEmpty() ? "damaged" : report.problems().get(0);
        throw new SnapshotIntegrityException(file + ": cannot list its keys, the bbolt file is damaged: " + first
            + " (snapshot verify says more)");
      }
      Optional.ofNullable(problem[0]).ifPresent(p -> {
        throw new SnapshotIntegrityException(file + ": cannot list its keys, " + p + " (snapshot verify says more)");
      });
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot be read: " + e.getMessage());
    }
    return revision[0];
  }

  private static StoredKey stored(byte[] key, KeyValueField.Fields kv) {
    return new StoredKey(key, kv.createRevision(), kv.modRevision(), kv.version(), kv.lease(), bytes(kv.value()));
  }

  private static boolean startsWith(ByteBuffer key, ByteBuffer prefix) {
    if (key.remaining() < prefix.remaining()) {
      return false;
    }
    return key.duplicate().limit(key.position() + prefix.remaining()).equals(prefix.duplicate());
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
