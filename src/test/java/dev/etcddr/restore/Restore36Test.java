package dev.etcddr.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdDb;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot restore} of a 3.6-shaped snapshot, entry by entry, against what etcdutl 3.6.14 writes, worked out
 * from {@code etcdutl/snapshot/v3_snapshot.go} at v3.6.14: {@code saveDB} → {@code TrimMembershipFromBackend}
 * empties members and members_removed; {@code saveWALAndSnap} → {@code AddMember} → {@code MustSaveMemberToBackend}
 * writes each new member as {@code <hex id> → json.Marshal(Member)}; {@code modifyLatestRevision} puts the empty
 * marker at latest+B and {@code unsafeMarkRevisionCompacted} sets scheduledCompactRev only; {@code updateCIndex}
 * sets consistent_index = N and term = 1; nothing writes storageVersion, confState, finishedCompactRev or the
 * cluster bucket. Member IDs are computed here as {@code membership/member.go computeMemberID} does. The byte-level
 * comparison with etcdutl (which writes the same db as 3.6.14) is RestoreMatchesEtcdutlIT's.
 */
class Restore36Test {
  private static final String CLUSTER = "m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380,m3=https://10.0.0.3:2380";
  private static final String TOKEN = "restore-36";

  @TempDir
  Path dir;

  /** A 3.6 db with history a restore must keep or drop: stale members, a finished compaction, a downgrade record. */
  private static EtcdDb source() {
    return EtcdDb.etcd36()
        .put(2, "/registry/a", "1").put(3, "/registry/b", "2").delete(4, "/registry/a").put(5, "/registry/c", "3", 7)
        .put(6, "/registry/b", "4")
        .lease(7, 60)
        .raw("members_removed", EtcdDb.bytes("1234"), EtcdDb.bytes("removed"))
        .raw("meta", EtcdDb.bytes("finishedCompactRev"), EtcdDb.revision(3, false))
        .raw("meta", EtcdDb.bytes("scheduledCompactRev"), EtcdDb.revision(3, false))
        .raw("cluster", EtcdDb.bytes("downgrade"), EtcdDb.bytes("{\"target-version\":\"\",\"enabled\":false}"))
        .raw("alarm", EtcdDb.bytes("\b\u0001\u0010\u0001"), new byte[0]);
  }

  private CliRun restore(Path snapshot, Path dataDir, String... extra) {
    List<String> argv = new ArrayList<>(List.of("snapshot", "restore", snapshot.toString(), "--name", "m2",
        "--initial-cluster", CLUSTER, "--initial-cluster-token", TOKEN, "--initial-advertise-peer-urls",
        "https://10.0.0.2:2380", "--data-dir", dataDir.toString(), "-o", "json"));
    argv.addAll(List.of(extra));
    return CliRun.of(argv.toArray(String[]::new));
  }

  /** membership/member.go computeMemberID: SHA-1 of the sorted peer URLs joined, then the token; first 8 bytes. */
  static long memberId(String peerUrl, String token) throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-1").digest((peerUrl + token).getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(sha, 0, 8).getLong();
  }

  @Test
  void restores_a_36_db_as_etcdutl_36_does() throws Exception {
    EtcdDb before = source();
    Path snapshot = before.write(dir.resolve("s.db"));
    Path dataDir = dir.resolve("data");
    CliRun r = restore(snapshot, dataDir, "--bump-revision", "100", "--mark-compacted");
    assertEquals(0, r.exitCode(), r.toString());
    EtcdDb after = EtcdDb.read(dataDir.resolve("member/snap/db"));

    // Membership: only the three new members, all voters, as json.Marshal(Member) orders the fields.
    Map<String, String> members = new TreeMap<>();
    after.entries("members").forEach((k, v) -> members.put(new String(k, StandardCharsets.US_ASCII),
        new String(v, StandardCharsets.UTF_8)));
    Map<String, String> expected = new TreeMap<>();
    for (int i = 1; i <= 3; i++) {
      long id = memberId("https://10.0.0." + i + ":2380", TOKEN);
      expected.put(Long.toHexString(id), "{\"id\":" + Long.toUnsignedString(id) + ",\"peerURLs\":[\"https://10.0.0."
          + i + ":2380\"],\"name\":\"m" + i + "\"}");
    }
    assertEquals(expected, members);
    assertTrue(after.entries("members_removed").isEmpty());

    // meta: N = 3 members, term 1, the bump on scheduledCompactRev only; the rest as the snapshot had it.
    assertArrayEquals(EtcdDb.be64(3), after.get("meta", "consistent_index"));
    assertArrayEquals(EtcdDb.be64(1), after.get("meta", "term"));
    assertArrayEquals(EtcdDb.revision(106, false), after.get("meta", "scheduledCompactRev"));
    assertArrayEquals(EtcdDb.revision(3, false), after.get("meta", "finishedCompactRev"));
    assertArrayEquals(before.get("meta", "storageVersion"), after.get("meta", "storageVersion"));
    assertArrayEquals(before.get("meta", "confState"), after.get("meta", "confState"),
        "confState is the source cluster's, stale, and no 3.6 code reads it back");

    // key: every revision kept, plus the empty marker at 6 + 100.
    Map<byte[], byte[]> keys = new TreeMap<>(Arrays::compareUnsigned);
    keys.putAll(before.entries("key"));
    keys.put(EtcdDb.revision(106, false), new byte[0]);
    assertEntriesEqual(keys, after.entries("key"));

    // Untouched buckets, byte for byte.
    for (String b : List.of("alarm", "auth", "authRoles", "authUsers", "cluster", "lease")) {
      assertEntriesEqual(before.entries(b), after.entries(b));
    }
    assertEquals(before.bucketNames(), after.bucketNames());
  }

  @Test
  void without_a_bump_scheduled_compaction_stays_as_it_was() throws Exception {
    EtcdDb before = source().without("meta", "scheduledCompactRev");
    Path dataDir = dir.resolve("data");
    CliRun r = restore(before.write(dir.resolve("s.db")), dataDir);
    assertEquals(0, r.exitCode(), r.toString());
    EtcdDb after = EtcdDb.read(dataDir.resolve("member/snap/db"));
    assertNull(after.get("meta", "scheduledCompactRev"));
    assertEntriesEqual(before.entries("key"), after.entries("key"));
  }

  @Test
  void missing_parents_of_the_data_dir_are_created_0700() throws Exception {
    Path snapshot = source().write(dir.resolve("s.db"));
    Path dataDir = dir.resolve("var/lib/etcd-restore/member-2");
    CliRun r = restore(snapshot, dataDir);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(Files.isRegularFile(dataDir.resolve("member/snap/db")));
    for (Path p : List.of(dir.resolve("var"), dir.resolve("var/lib"), dir.resolve("var/lib/etcd-restore"))) {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
    }
  }

  @Test
  void a_failed_restore_removes_the_parents_it_created() throws Exception {
    // Not a bbolt file, with a matching SHA-256 trailer: it gets past the hash check and fails in the copy.
    Path junk = dir.resolve("junk.db");
    byte[] body = new byte[4096 * 4];
    Arrays.fill(body, (byte) 0x5a);
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(body);
    Files.write(junk, body);
    Files.write(junk, sha, java.nio.file.StandardOpenOption.APPEND);
    List<Path> before = tree();
    CliRun r = restore(junk, dir.resolve("new/parents/data"));
    assertTrue(r.exitCode() != 0, r.toString());
    assertEquals(before, tree(), "nothing left behind: " + r);
  }

  @Test
  void a_file_in_the_way_of_a_parent_is_named() throws Exception {
    Path snapshot = source().write(dir.resolve("s.db"));
    Files.writeString(dir.resolve("lib"), "not a dir");
    List<Path> before = tree();
    CliRun r = restore(snapshot, dir.resolve("lib/etcd/data"));
    assertTrue(r.exitCode() != 0, r.toString());
    assertTrue(r.err().contains(dir.resolve("lib") + " exists and is not a directory"), r.toString());
    assertEquals(before, tree());
    assertFalse(Files.exists(dir.resolve("lib/etcd")));
  }

  private List<Path> tree() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.sorted().toList();
    }
  }

  private static void assertEntriesEqual(Map<byte[], byte[]> want, Map<byte[], byte[]> got) {
    assertEquals(render(want), render(got));
  }

  private static List<String> render(Map<byte[], byte[]> m) {
    List<String> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(java.util.HexFormat.of().formatHex(k) + "=" + java.util.HexFormat.of().formatHex(v)));
    return out;
  }
}
