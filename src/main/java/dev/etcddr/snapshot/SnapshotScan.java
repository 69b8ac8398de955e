package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.bolt.BoltWalk;
import dev.etcddr.bolt.EntryVisitor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * One pass over an etcd backend db (a snapshot or a {@code member/snap/db}), collecting what status and verify
 * need: etcdutl's hash (CRC-32C over bucket names, keys and values in order), revision, entry count and size; the
 * live-key count and storage version etcdutl 3.6 reports, and why 3.6 would refuse the db if it would; the meta
 * values verify checks; bbolt's structural problems; and, when asked, live keys per {@link KeyGroups} group, all of
 * them and those on no lease.
 */
public final class SnapshotScan {
  /** Everything one pass learned. */
  public record Result(
      long hash,
      long revision,
      long totalKey,
      long totalSize,
      long liveKeys,
      String storageVersion,
      EtcdVersions versions,
      List<String> buckets,
      List<String> nonBucketRootKeys,
      long revisionKeys,
      long malformedRevisionKeys,
      Optional<String> firstMalformedRevisionKey,
      Optional<Long> consistentIndex,
      Optional<Long> finishedCompactRevision,
      BoltWalk.Report structure,
      Optional<Map<String, Long>> keyCounts,
      Optional<Map<String, Long>> unleasedKeyCounts,
      Optional<String> etcdutl36Refusal) {}

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
  private static final ByteBuffer CLUSTER_VERSION_KEY = ByteBuffer.wrap("clusterVersion".getBytes(
      StandardCharsets.US_ASCII)).asReadOnlyBuffer();
  static final ByteBuffer KEY_BUCKET = ByteBuffer.wrap("key".getBytes(StandardCharsets.US_ASCII))
      .asReadOnlyBuffer();

  private SnapshotScan() {}

  public static Result scan(BoltFile db) throws IOException {
    return scan(db, Optional.empty());
  }

  /** @param groups when present, live keys under its prefix are also counted per group */
  public static Result scan(BoltFile db, Optional<KeyGroups> groups) throws IOException {
    return scan(db, groups, LiveKeyPlan.budget(Runtime.getRuntime().maxMemory()));
  }

  /** @param setBudget heap bytes the live-key set may take; see {@link LiveKeyPlan} */
  static Result scan(BoltFile db, Optional<KeyGroups> groups, long setBudget) throws IOException {
    CRC32C crc = new CRC32C();
    long[] totalKey = {0};
    long[] revision = {0};
    long[] revisionKeys = {0};
    long[] malformed = {0};
    String[] firstMalformed = {null};
    String[] refusal = {null};
    boolean tagged = groups.isPresent();
    LiveKeyPlan plan = LiveKeyPlan.of(db.entryCount("key").orElse(0), tagged, setBudget);
    // In an array so that the first pass's set can be let go before the next pass allocates its own.
    LiveKeySet[] live = {new LiveKeySet(tagged, plan.keysPerPass(), 0, plan.passes())};
    GroupTags tags = new GroupTags();
    List<String> buckets = new ArrayList<>();
    List<String> nonBuckets = new ArrayList<>();
    MetaValues meta = new MetaValues();

    BoltWalk.Report report = BoltWalk.walk(db, (name, isBucket) -> {
      String bucket = StandardCharsets.UTF_8.decode(name.duplicate()).toString();
      if (!isBucket) {
        nonBuckets.add(bucket);
        return null;
      }
      buckets.add(bucket);
      crc.update(name.duplicate());
      EntryVisitor counting = (k, v, sub) -> {
        crc.update(k.duplicate());
        if (!sub) {
          crc.update(v.duplicate());
        }
        totalKey[0]++;
      };
      return switch (bucket) {
        case "key" -> (k, v, sub) -> {
          counting.visit(k, v, sub);
          revisionKeys[0]++;
          if (k.remaining() >= 8) {
            revision[0] = k.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(k.position());
          }
          if (!wellFormedRevision(k)) {
            malformed[0]++;
            if (firstMalformed[0] == null) {
              firstMalformed[0] = hex(k);
            }
          }
          String refused = track(live[0], groups, tags, k, sub ? EMPTY : v);
          if (refusal[0] == null) {
            refusal[0] = refused;
          }
        };
        case "meta" -> (k, v, sub) -> {
          counting.visit(k, v, sub);
          meta.take(k, v);
        };
        case "cluster" -> (k, v, sub) -> {
          counting.visit(k, v, sub);
          if (!sub && k.equals(CLUSTER_VERSION_KEY.duplicate())) {
            meta.clusterVersion = StandardCharsets.UTF_8.decode(v.duplicate()).toString();
          }
        };
        default -> counting;
      };
    });
    long[] byTag = new long[0];
    long liveKeys = 0;
    for (int pass = 0; pass < plan.passes(); pass++) {
      if (pass > 0) {
        // Only bucket key is visited; the structure and every other number came with the first pass.
        live[0] = new LiveKeySet(tagged, plan.keysPerPass(), pass, plan.passes());
        BoltWalk.walk(db, (name, isBucket) -> isBucket && name.equals(KEY_BUCKET.duplicate())
            ? (k, v, sub) -> track(live[0], groups, tags, k, sub ? EMPTY : v) : null);
      }
      liveKeys += live[0].size();
      byTag = tags.addCounts(live[0], byTag);
      live[0] = null;
    }
    long[] counted = byTag;
    return new Result(crc.getValue(), revision[0], totalKey[0], db.meta().highWaterPgid() * db.meta().pageSize(),
        liveKeys, meta.storageVersion, new EtcdVersions(Optional.ofNullable(meta.rawStorageVersion),
            Optional.ofNullable(meta.clusterVersion)), List.copyOf(buckets), List.copyOf(nonBuckets), revisionKeys[0],
        malformed[0], Optional.ofNullable(firstMalformed[0]), Optional.ofNullable(meta.consistentIndex),
        Optional.ofNullable(meta.finishedCompact), report, groups.map(g -> tags.counts(counted, false)),
        groups.map(g -> tags.counts(counted, true)), Optional.ofNullable(refusal[0]));
  }

  /**
   * A revision's effect on the live keys, by etcdutl 3.6's rules ({@code (*v3Manager).Status}): a put adds its key
   * (with its group and lease), a tombstone removes it. Returns why 3.6 would stop here, or null: the revision key
   * must parse ({@code mvcc.BytesToBucketKey}) and the value must decode; such an entry changes nothing.
   */
  private static String track(LiveKeySet live, Optional<KeyGroups> groups, GroupTags tags, ByteBuffer k,
      ByteBuffer v) {
    String bad = revisionKeyProblem(k);
    if (bad != null) {
      return "cannot parse revision key " + hex(k) + ": " + bad;
    }
    ByteBuffer userKey = KeyValueField.userKeyStrict(v);
    if (userKey == null) {
      return "cannot unmarshal the value of revision key " + hex(k) + " as an mvccpb.KeyValue";
    }
    if (isTombstone(k)) {
      live.remove(userKey);
    } else if (groups.isPresent()) {
      live.add(userKey, tags.of(groups.get().groupOf(userKey), KeyValueField.lease(v) != 0));
    } else {
      live.add(userKey);
    }
    return null;
  }

  /**
   * Why {@code mvcc.BytesToBucketKey} (3.6) would not parse a revision key, or null. Looser than
   * {@link #wellFormedRevision}: an 18th byte other than 't' parses, as a put.
   */
  static String revisionKeyProblem(ByteBuffer key) {
    ByteBuffer k = key.duplicate().order(ByteOrder.BIG_ENDIAN);
    int n = k.remaining();
    int p = k.position();
    if (n != 17 && n != 18) {
      return "invalid revision length: " + n;
    }
    if (k.get(p + 8) != '_') {
      return "invalid separator in bucket key";
    }
    if (k.getLong(p) < 0 || k.getLong(p + 9) < 0) {
      return "negative revision";
    }
    return null;
  }

  /**
   * Group names numbered in the order first seen, twice: tag 2n for the keys of group n on no lease, 2n + 1 for its
   * keys on a lease. The table keeps a number per key, not the name.
   */
  private static final class GroupTags {
    private final Map<String, Integer> numbers = new HashMap<>();
    private final List<String> names = new ArrayList<>();

    int of(String group, boolean leased) {
      if (group == null) {
        return LiveKeySet.UNTAGGED;
      }
      int n = numbers.computeIfAbsent(group, g -> {
        names.add(g);
        return names.size() - 1;
      });
      return 2 * n + (leased ? 1 : 0);
    }

    /** {@code sums} plus one pass's live keys per tag, for every tag handed out so far. */
    long[] addCounts(LiveKeySet live, long[] sums) {
      long[] out = java.util.Arrays.copyOf(sums, 2 * names.size());
      for (int t = 0; t < out.length; t++) {
        out[t] += live.liveWithTag(t);
      }
      return out;
    }

    /**
     * Groups with live keys (only those on no lease when {@code unleasedOnly}), sorted; a group without such keys
     * is not listed, as a range would not list it.
     */
    Map<String, Long> counts(long[] byTag, boolean unleasedOnly) {
      Map<String, Long> counts = new TreeMap<>();
      for (int i = 0; i < names.size(); i++) {
        long n = byTag[2 * i] + (unleasedOnly ? 0 : byTag[2 * i + 1]);
        if (n > 0) {
          counts.put(names.get(i), n);
        }
      }
      return counts;
    }
  }

  /** A revision key that records a delete: 18 bytes, the last 't' (3.6 reads any other 18th byte as a put). */
  static boolean isTombstone(ByteBuffer revisionKey) {
    return revisionKey.remaining() == 18 && revisionKey.get(revisionKey.position() + 17) == 't';
  }

  /** {@code be64(main) '_' be64(sub)}, plus {@code 't'} for a tombstone; revisions are never negative. */
  static boolean wellFormedRevision(ByteBuffer key) {
    ByteBuffer k = key.duplicate().order(ByteOrder.BIG_ENDIAN);
    int n = k.remaining();
    int p = k.position();
    if (n != 17 && n != 18) {
      return false;
    }
    if (k.get(p + 8) != '_' || k.getLong(p) < 0 || k.getLong(p + 9) < 0) {
      return false;
    }
    return n == 17 || k.get(p + 17) == 't';
  }

  static String hex(ByteBuffer b) {
    StringBuilder sb = new StringBuilder();
    for (int i = b.position(); i < b.limit() && sb.length() < 80; i++) {
      sb.append(String.format("%02x", b.get(i)));
    }
    return sb.toString();
  }

  /** The meta bucket values etcd relies on. */
  private static final class MetaValues {
    Long consistentIndex;
    Long finishedCompact;
    String storageVersion = "";
    String rawStorageVersion;
    String clusterVersion;

    void take(ByteBuffer k, ByteBuffer value) {
      ByteBuffer v = value.duplicate().order(ByteOrder.BIG_ENDIAN);
      String key = StandardCharsets.US_ASCII.decode(k.duplicate()).toString();
      switch (key) {
        case "consistent_index" -> consistentIndex = v.remaining() == 8 ? v.getLong(v.position()) : null;
        case "finishedCompactRev" -> finishedCompact = v.remaining() >= 8 ? v.getLong(v.position()) : null;
        case "storageVersion" -> {
          rawStorageVersion = StandardCharsets.UTF_8.decode(v.duplicate()).toString();
          storageVersion = semver(rawStorageVersion);
        }
        default -> { }
      }
    }

    /** etcdutl 3.6 prints the parsed semver, or nothing when it does not parse. */
    private static String semver(String s) {
      return GoSemver.parse(s).map(GoSemver::toString).orElse("");
    }
  }
}
