package dev.etcddr.testing;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.bolt.BoltWalk;
import dev.etcddr.bolt.BoltWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * An etcd backend db shaped as an etcd 3.5 or 3.6 server leaves it, built entry by entry for status tests: the test
 * says which revisions the key bucket holds, the builder keeps every entry so a test can count and hash them
 * itself. The buckets are those of {@code server/storage/schema/bucket.go}; a 3.6 db has
 * {@code meta/storageVersion = "3.6.0"}, as {@code UnsafeSetStorageVersion} writes it.
 *
 * <p>Base entries besides bucket key and lease: auth/authRevision, cluster/clusterVersion, one member, and in meta
 * confState, consistent_index, term, plus storageVersion for 3.6: 6 entries (3.5) or 7 (3.6).
 */
public final class EtcdDb {
  private final Map<byte[], Map<byte[], byte[]>> buckets = new TreeMap<>(Arrays::compareUnsigned);

  private EtcdDb() {}

  /** A db as etcd 3.6 writes it: meta/storageVersion "3.6.0", cluster version 3.6.0. */
  public static EtcdDb etcd36() {
    return base("3.6.0").meta("storageVersion", "3.6.0");
  }

  /** A db as etcd 3.5 writes it: the same buckets, no storageVersion. */
  public static EtcdDb etcd35() {
    return base("3.5.0");
  }

  private static EtcdDb base(String clusterVersion) {
    EtcdDb db = new EtcdDb();
    for (String b : new String[] {"alarm", "auth", "authRoles", "authUsers", "cluster", "key", "lease", "members",
        "members_removed", "meta"}) {
      db.bucket(b);
    }
    db.raw("auth", bytes("authRevision"), be64(1));
    db.raw("cluster", bytes("clusterVersion"), bytes(clusterVersion));
    db.raw("members", bytes("8e9e05c52164694d"),
        bytes("{\"id\":10276657743932975437,\"peerURLs\":[\"http://localhost:2380\"],\"name\":\"default\"}"));
    db.raw("meta", bytes("confState"), bytes("{\"voters\":[10276657743932975437],\"auto_leave\":false}"));
    db.raw("meta", bytes("consistent_index"), be64(12));
    db.raw("meta", bytes("term"), be64(2));
    return db;
  }

  /**
   * Every bucket and entry of an existing db (a real snapshot, or a restored {@code member/snap/db}), to reshape it
   * (a real 3.5 snapshot as 3.6 would have left it) or to compare a restore's output entry by entry.
   */
  public static EtcdDb read(Path file) throws IOException {
    EtcdDb db = new EtcdDb();
    try (BoltFile f = BoltFile.open(file)) {
      BoltWalk.walk(f, (name, isBucket) -> {
        if (!isBucket) {
          throw new IOException(file + ": plain key at the top level");
        }
        Map<byte[], byte[]> entries = db.buckets.computeIfAbsent(array(name), n -> new TreeMap<>(Arrays::compareUnsigned));
        return (k, v, sub) -> entries.put(array(k), sub ? null : array(v));
      });
    }
    return db;
  }

  /** The value of one entry, or null when absent. */
  public byte[] get(String bucket, String key) {
    return buckets.getOrDefault(bytes(bucket), Map.of()).get(bytes(key));
  }

  /** The entries of one bucket, keys in bbolt's order; empty when the bucket is absent. */
  public Map<byte[], byte[]> entries(String bucket) {
    return java.util.Collections.unmodifiableMap(buckets.getOrDefault(bytes(bucket), new TreeMap<>()));
  }

  /** Bucket names in order. */
  public java.util.List<String> bucketNames() {
    return buckets.keySet().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  public EtcdDb bucket(String name) {
    buckets.computeIfAbsent(bytes(name), n -> new TreeMap<>(Arrays::compareUnsigned));
    return this;
  }

  public EtcdDb withoutBucket(String name) {
    buckets.remove(bytes(name));
    return this;
  }

  public EtcdDb raw(String bucket, byte[] key, byte[] value) {
    bucket(bucket);
    buckets.get(bytes(bucket)).put(key, value);
    return this;
  }

  public EtcdDb without(String bucket, String key) {
    buckets.getOrDefault(bytes(bucket), new TreeMap<>()).remove(bytes(key));
    return this;
  }

  public EtcdDb meta(String key, String value) {
    return raw("meta", bytes(key), bytes(value));
  }

  /** A put of {@code key} at revision {main}_0, as mvcc writes it (create = mod = main, version 1). */
  public EtcdDb put(long main, String key, String value, long lease) {
    return raw("key", revision(main, false), array(SyntheticSnapshot.keyValue(key, main, bytes(value), lease)));
  }

  public EtcdDb put(long main, String key, String value) {
    return put(main, key, value, 0);
  }

  /** A delete: the tombstone {main}_0 't' with a KeyValue holding only the key. */
  public EtcdDb delete(long main, String key) {
    return raw("key", revision(main, true), array(SyntheticSnapshot.keyValue(key, main, new byte[0], 0)));
  }

  /** A lease as lease bucket holds it: be64(id) → leasepb.Lease{ID, TTL}. */
  public EtcdDb lease(long id, int ttl) {
    return raw("lease", be64(id), new byte[] {8, 1, 16, (byte) ttl});
  }

  /** Every entry of every bucket: the TOTAL KEYS of etcdctl 3.4 / etcdutl 3.5. */
  public long entries() {
    return buckets.values().stream().mapToLong(Map::size).sum();
  }

  /** etcdutl's hash, computed here from the entries: CRC-32C over each bucket's name, then its keys and values. */
  public long crc32c() {
    CRC32C crc = new CRC32C();
    buckets.forEach((name, entries) -> {
      crc.update(name);
      entries.forEach((k, v) -> {
        crc.update(k);
        crc.update(v);
      });
    });
    return crc.getValue();
  }

  /** Writes the db and the SHA-256 trailer, as {@code snapshot save} leaves a file. */
  public Path write(Path file) throws IOException {
    try (BoltWriter w = BoltWriter.create(file)) {
      for (Map.Entry<byte[], Map<byte[], byte[]>> b : buckets.entrySet()) {
        w.beginBucket(b.getKey());
        for (Map.Entry<byte[], byte[]> e : b.getValue().entrySet()) {
          w.put(ByteBuffer.wrap(e.getKey()), ByteBuffer.wrap(e.getValue()));
        }
        w.endBucket();
      }
      w.finish(2);
    }
    SyntheticSnapshot.appendSha256(file);
    return file;
  }

  public static byte[] revision(long main, boolean tombstone) {
    return array(SyntheticSnapshot.revision(main, tombstone));
  }

  public static byte[] be64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] array(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }
}
