package dev.etcddr.testing;

import dev.etcddr.bolt.BoltWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * A Kubernetes-shaped etcd snapshot of any size without etcd, for memory benchmarks and tests: N keys
 * {@code /registry/<resource>/<ns>/<name>} put once each, then a tail of re-puts (some moving a key on or off a
 * lease) and deletes, written with the project's {@link BoltWriter} and closed with the SHA-256 trailer. Events sit
 * on leases, as the apiserver puts them. Deterministic for a given seed.
 *
 * <pre>java -cp target/test-classes:target/etcd-dr.jar dev.etcddr.testing.SyntheticSnapshot KEYS FILE [VALUE_BYTES]</pre>
 */
public final class SyntheticSnapshot {
  private static final String[] RESOURCES = {"pods", "configmaps", "secrets", "services", "events",
      "serviceaccounts", "endpointslices", "replicasets", "deployments", "leases"};
  private static final long LEASE = 0x694d7a4fd8c4b1a2L;

  /** What was written, counted independently of the code under test. */
  public record Made(Path file, long keys, long revisions, long liveKeys) {}

  private SyntheticSnapshot() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SyntheticSnapshot KEYS FILE [VALUE_BYTES]");
      System.exit(2);
    }
    Made m = write(Path.of(args[1]), Long.parseLong(args[0]), args.length > 2 ? Integer.parseInt(args[2]) : 128, 1);
    System.out.println(m.file() + ": " + m.keys() + " keys, " + m.revisions() + " revisions, " + m.liveKeys()
        + " live, " + Files.size(m.file()) + " bytes");
  }

  /** The user key of key number i. */
  public static String key(long i) {
    return "/registry/" + RESOURCES[(int) (i % RESOURCES.length)] + "/ns-" + (i / 7) % 50 + "/obj-" + i;
  }

  /** Events are on a lease at first put. */
  static boolean leasedAtFirst(long i) {
    return RESOURCES[(int) (i % RESOURCES.length)].equals("events");
  }

  /**
   * {@code keys} puts, then keys/20 re-puts of random earlier keys (every third one toggling its lease), then
   * keys/50 deletes (a key deleted twice is one delete of a live key, then one of a dead one, which etcd would not
   * write but a reader must survive).
   */
  public static Made write(Path file, long keys, int valueBytes, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] value = new byte[valueBytes];
    random.nextBytes(value);
    long rev = 1;
    java.util.BitSet deleted = new java.util.BitSet();
    try (BoltWriter w = BoltWriter.create(file)) {
      bucket(w, "alarm");
      bucket(w, "auth");
      bucket(w, "cluster", "clusterVersion", "3.5.0");
      w.beginBucket(bytes("key"));
      for (long i = 0; i < keys; i++) {
        rev++;
        w.put(revision(rev, false), keyValue(key(i), rev, value, leasedAtFirst(i) ? LEASE : 0));
      }
      for (long j = 0; j < keys / 20; j++) {
        long i = (long) (random.nextDouble() * keys);
        rev++;
        boolean leased = leasedAtFirst(i) ^ (j % 3 == 0);
        w.put(revision(rev, false), keyValue(key(i), rev, value, leased ? LEASE : 0));
        deleted.clear((int) i);
      }
      for (long j = 0; j < keys / 50; j++) {
        long i = (long) (random.nextDouble() * keys);
        rev++;
        w.put(revision(rev, true), keyValue(key(i), rev, new byte[0], 0));
        deleted.set((int) i);
      }
      w.endBucket();
      w.beginBucket(bytes("lease"));
      w.put(ByteBuffer.allocate(8).putLong(0, LEASE), ByteBuffer.wrap(new byte[] {8, 1, 16, 60}));
      w.endBucket();
      bucket(w, "members", "8e9e05c52164694d", "{\"id\":10276657743932975437,\"peerURLs\":[\"http://localhost:2380\"]"
          + ",\"name\":\"default\"}");
      bucket(w, "members_removed");
      w.beginBucket(bytes("meta"));
      w.put(ByteBuffer.wrap(bytes("consistent_index")), ByteBuffer.allocate(8).putLong(0, rev + 3));
      w.put(ByteBuffer.wrap(bytes("term")), ByteBuffer.allocate(8).putLong(0, 2));
      w.endBucket();
      w.finish(rev + 5);
    }
    appendSha256(file);
    return new Made(file, keys, rev - 1, keys - deleted.cardinality());
  }

  private static void bucket(BoltWriter w, String name, String... keyValues) throws IOException {
    w.beginBucket(bytes(name));
    for (int i = 0; i < keyValues.length; i += 2) {
      w.put(ByteBuffer.wrap(bytes(keyValues[i])), ByteBuffer.wrap(bytes(keyValues[i + 1])));
    }
    w.endBucket();
  }

  /** be64(main) '_' be64(0), plus 't' for a delete. */
  static ByteBuffer revision(long main, boolean tombstone) {
    ByteBuffer b = ByteBuffer.allocate(tombstone ? 18 : 17).putLong(main).put((byte) '_').putLong(0);
    if (tombstone) {
      b.put((byte) 't');
    }
    return b.flip();
  }

  /** mvccpb.KeyValue: key (1), create_revision (2), mod_revision (3), version (4), value (5), lease (6). */
  static ByteBuffer keyValue(String key, long rev, byte[] value, long lease) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + key.length() + 32);
    byte[] k = bytes(key);
    out.write(0x0a);
    varint(out, k.length);
    out.writeBytes(k);
    for (int field = 2; field <= 3; field++) {
      out.write(field << 3);
      varint(out, rev);
    }
    out.write(4 << 3);
    varint(out, 1);
    if (value.length > 0) {
      out.write((5 << 3) | 2);
      varint(out, value.length);
      out.writeBytes(value);
    }
    if (lease != 0) {
      out.write(6 << 3);
      varint(out, lease);
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The trailer etcdctl's snapshot save writes, computed streaming (the file may be gigabytes). */
  static void appendSha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    Files.write(file, md.digest(), StandardOpenOption.APPEND);
  }
}
