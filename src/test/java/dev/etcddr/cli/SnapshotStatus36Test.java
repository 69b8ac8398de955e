package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.EtcdDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot status} on 3.6-shaped dbs, against numbers worked out by hand from etcdutl 3.6.14's rules
 * ({@code etcdutl/snapshot/v3_snapshot.go (*v3Manager).Status}): TOTAL KEYS = the set of user keys of bucket key,
 * a put adding its key and a tombstone (18-byte revision ending 't') removing it; REVISION = the main revision of
 * the last key of bucket key; VERSION = meta/storageVersion parsed as semver. The hash is computed here from the
 * entries the test wrote (CRC-32C, {@link EtcdDb#crc32c}); the size is the file less its 32-byte trailer, as the
 * writer leaves no free pages at the end, humanized as the 3.5 output (covered by the parity ITs) does it.
 */
class SnapshotStatus36Test {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path write(EtcdDb db) throws IOException {
    return db.write(dir.resolve("s.db"));
  }

  private static CliRun status(Path file, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "snapshot";
    all[1] = "status";
    all[2] = file.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(all);
  }

  private static String ok(Path file, String... args) {
    CliRun run = status(file, args);
    assertEquals(0, run.exitCode(), run.toString());
    return run.out();
  }

  private static long size(Path file) throws IOException {
    return Files.size(file) - 32;
  }

  /** The line etcdutl 3.6 prints by default: 5 cells joined by ", ". */
  private static String simple36(EtcdDb db, Path file, long revision, long keys, String version) throws IOException {
    return Long.toHexString(db.crc32c()) + ", " + revision + ", " + keys + ", " + GoHumanize.bytes(size(file)) + ", "
        + version + "\n";
  }

  @Test
  void empty_36_db_prints_no_keys_revision_0_and_version_3_6_0() throws IOException {
    // No user keys: the set stays empty (0); bucket key is empty, so no key sets Revision (0); storageVersion
    // "3.6.0" parses and String() gives "3.6.0". The 7 base entries do not count in 3.6, they do in 3.5.
    EtcdDb db = EtcdDb.etcd36();
    Path file = write(db);
    assertEquals(simple36(db, file, 0, 0, "3.6.0"), ok(file));
    assertEquals(Long.toHexString(db.crc32c()) + ", 0, 7, " + GoHumanize.bytes(size(file)) + "\n",
        ok(file, "--as", "3.5"));
  }

  @Test
  void one_key_counts_once_and_the_revision_is_its_own() throws IOException {
    // key bucket: 2_0 put foo. Set {foo} = 1; Revision = 2.
    EtcdDb db = EtcdDb.etcd36().put(2, "foo", "bar");
    Path file = write(db);
    assertEquals(simple36(db, file, 2, 1, "3.6.0"), ok(file));
    assertEquals("{\"hash\":" + db.crc32c() + ",\"revision\":2,\"totalKey\":1,\"totalSize\":" + size(file)
        + ",\"version\":\"3.6.0\"}\n", ok(file, "-w", "json"));
    assertEquals("\"Hash\" : " + db.crc32c() + "\n\"Revision\" : 2\n\"Keys\" : 1\n\"Size\" : " + size(file)
        + "\n\"Version\" : 3.6.0\n", ok(file, "-w", "fields"));
  }

  @Test
  void table_has_a_version_column() throws IOException {
    EtcdDb db = EtcdDb.etcd36().put(2, "foo", "bar");
    Path file = write(db);
    String hash = Long.toHexString(db.crc32c());
    String sz = GoHumanize.bytes(size(file));
    assertEquals(StatusPrinter.table(new String[] {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE", "VERSION"},
        new String[] {hash, "2", "1", sz, "3.6.0"}), ok(file, "-w", "table"));
    assertTrue(ok(file, "-w", "table").lines().skip(1).findFirst().orElseThrow().endsWith("| VERSION |"));
  }

  @Test
  void keys_on_leases_count_as_keys_and_leases_do_not() throws IOException {
    // 2_0 put /a on lease 7, 3_0 put /b on lease 7, 4_0 put /c on no lease; bucket lease holds lease 7.
    // Set {/a, /b, /c} = 3 (only bucket key counts); Revision = 4. 3.5: 7 base + 3 + 1 lease = 11.
    EtcdDb db = EtcdDb.etcd36().put(2, "/a", "1", 7).put(3, "/b", "2", 7).put(4, "/c", "3").lease(7, 60);
    Path file = write(db);
    assertEquals(simple36(db, file, 4, 3, "3.6.0"), ok(file));
    assertTrue(ok(file, "--as", "3.5").startsWith(Long.toHexString(db.crc32c()) + ", 4, 11, "));
  }

  @Test
  void deletes_and_repeated_puts_leave_the_live_keys() throws IOException {
    // History, uncompacted: 2 put a, 3 put b, 4 put a, 5 del b, 6 put c, 7 put b, 8 del c, 9 put d.
    // Set after each: {a} {a,b} {a,b} {a} {a,c} {a,b,c} {a,b} {a,b,d} = 3; Revision = 9 (the last key).
    EtcdDb db = EtcdDb.etcd36().put(2, "a", "1").put(3, "b", "1").put(4, "a", "2").delete(5, "b").put(6, "c", "1")
        .put(7, "b", "2").delete(8, "c").put(9, "d", "1");
    Path file = write(db);
    assertEquals(simple36(db, file, 9, 3, "3.6.0"), ok(file));
    // 3.5 counts every revision: 7 base + 8 = 15.
    assertTrue(ok(file, "--as", "3.5").startsWith(Long.toHexString(db.crc32c()) + ", 9, 15, "));
  }

  @Test
  void compacted_history_gives_the_same_live_keys() throws IOException {
    // The history above compacted at 6 (mvcc kvstore_compaction.go keeps, at or below 6, each key's latest
    // revision unless it is a tombstone): a@4 kept, a@2 gone; b@5 is a tombstone: b@3 and b@5 gone; c@6 kept.
    // Left: 4 put a, 6 put c, 7 put b, 8 del c, 9 put d. Set: {a} {a,c} {a,b,c} {a,b} {a,b,d} = 3; Revision 9.
    // meta gains finishedCompactRev and scheduledCompactRev (6_0): 3.5 counts 7 + 2 + 5 = 14.
    EtcdDb db = EtcdDb.etcd36().put(4, "a", "2").put(6, "c", "1").put(7, "b", "2").delete(8, "c").put(9, "d", "1")
        .raw("meta", EtcdDb.bytes("finishedCompactRev"), EtcdDb.revision(6, false))
        .raw("meta", EtcdDb.bytes("scheduledCompactRev"), EtcdDb.revision(6, false));
    Path file = write(db);
    assertEquals(simple36(db, file, 9, 3, "3.6.0"), ok(file));
    assertTrue(ok(file, "--as", "3.5").startsWith(Long.toHexString(db.crc32c()) + ", 9, 14, "));
  }

  @Test
  void the_bump_revision_marker_counts_as_the_key_empty_string() throws IOException {
    // restore --bump-revision 100 --mark-compacted on a db whose last revision is 3 (U: modifyLatestRevision):
    // key[103_0] = "" (empty value: Unmarshal gives Key nil, string "" ) and meta/scheduledCompactRev = 103_0.
    // Set {x, y, ""} = 3; Revision = 103.
    EtcdDb db = EtcdDb.etcd36().put(2, "x", "1").put(3, "y", "1")
        .raw("key", EtcdDb.revision(103, false), new byte[0])
        .raw("meta", EtcdDb.bytes("scheduledCompactRev"), EtcdDb.revision(103, false));
    Path file = write(db);
    assertEquals(simple36(db, file, 103, 3, "3.6.0"), ok(file));
  }

  @Test
  void ten_thousand_keys() throws IOException {
    // Puts of k0..k9999 at revisions 2..10001; re-puts of every 10th key (k0, k10, .. k9990: 1 000) at
    // 10002..11001; deletes of every 100th key (k0, k100, .. k9900: 100) at 11002..11101, each already re-put,
    // so each delete removes a live key. Set: 10 000 - 100 = 9 900; Revision = 11101. 3.5: 7 + 11 100 = 11 107.
    EtcdDb db = EtcdDb.etcd36();
    long rev = 1;
    for (int i = 0; i < 10_000; i++) {
      db.put(++rev, "k" + i, "v");
    }
    for (int i = 0; i < 10_000; i += 10) {
      db.put(++rev, "k" + i, "w");
    }
    for (int i = 0; i < 10_000; i += 100) {
      db.delete(++rev, "k" + i);
    }
    assertEquals(11_101, rev);
    Path file = write(db);
    assertEquals(simple36(db, file, 11_101, 9_900, "3.6.0"), ok(file));
    assertTrue(ok(file, "--as", "3.5").startsWith(Long.toHexString(db.crc32c()) + ", 11101, 11107, "));
  }

  @Test
  void a_35_db_is_printed_as_35_and_forced_36_prints_an_empty_version() throws IOException {
    // No storageVersion: ReadStorageVersionFromSnapshot gives nil, Version stays "" (P: printer*.go DBStatus).
    // 2_0 put a, 3_0 put b, 4_0 del a: set {b} = 1; Revision 4. 3.5: 6 base + 3 = 9.
    EtcdDb db = EtcdDb.etcd35().put(2, "a", "1").put(3, "b", "1").delete(4, "a");
    Path file = write(db);
    String hash = Long.toHexString(db.crc32c());
    String sz = GoHumanize.bytes(size(file));
    assertEquals(hash + ", 4, 9, " + sz + "\n", ok(file));
    assertEquals(hash + ", 4, 9, " + sz + "\n", ok(file, "--as", "auto"));
    assertEquals(hash + ", 4, 1, " + sz + ", \n", ok(file, "--as", "3.6"), "trailing \", \"");
    assertEquals("{\"hash\":" + db.crc32c() + ",\"revision\":4,\"totalKey\":1,\"totalSize\":" + size(file)
        + ",\"version\":\"\"}\n", ok(file, "--as", "3.6", "-w", "json"));
    assertEquals("\"Hash\" : " + db.crc32c() + "\n\"Revision\" : 4\n\"Keys\" : 1\n\"Size\" : " + size(file)
        + "\n\"Version\" : \n", ok(file, "--as", "3.6", "-w", "fields"), "Println's space before the empty value");
    assertEquals(StatusPrinter.table(new String[] {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE", "VERSION"},
        new String[] {hash, "4", "1", sz, ""}), ok(file, "--as", "3.6", "-w", "table"));
    assertTrue(ok(file, "--as", "3.6", "-w", "table").contains("|         |\n"), "a blank VERSION cell");
  }

  @Test
  void a_36_db_forced_to_35_prints_the_35_numbers() throws IOException {
    EtcdDb db = EtcdDb.etcd36().put(2, "a", "1").delete(3, "a");
    Path file = write(db);
    // 3.5: 7 base + 2 revisions = 9 entries, 4 fields; 3.6: set {} = 0.
    assertEquals("{\"hash\":" + db.crc32c() + ",\"revision\":3,\"totalKey\":9,\"totalSize\":" + size(file) + "}\n",
        ok(file, "--as", "3.5", "-w", "json"));
    assertEquals("\"Hash\" : " + db.crc32c() + "\n\"Revision\" : 3\n\"Keys\" : 9\n\"Size\" : " + size(file) + "\n",
        ok(file, "--as", "3.5", "-w", "fields"));
    assertEquals(simple36(db, file, 3, 0, "3.6.0"), ok(file));
  }

  @Test
  void storage_version_is_read_as_go_semver_reads_it() throws IOException {
    // "3.6" is no dotted triple: no version, so auto picks 3.5 and a forced 3.6 prints "".
    Path v36 = EtcdDb.etcd35().meta("storageVersion", "3.6").put(2, "a", "1").write(dir.resolve("a.db"));
    assertTrue(ok(v36).endsWith(", 2, 8, " + GoHumanize.bytes(size(v36)) + "\n"));
    assertTrue(ok(v36, "--as", "3.6").endsWith(", 2, 1, " + GoHumanize.bytes(size(v36)) + ", \n"));
    // A newer storage version is printed as 3.6 prints it; String() re-renders the numbers.
    Path v37 = EtcdDb.etcd35().meta("storageVersion", "03.7.00").write(dir.resolve("b.db"));
    assertTrue(ok(v37).endsWith(", 0, 0, " + GoHumanize.bytes(size(v37)) + ", 3.7.0\n"), ok(v37));
  }

  @Test
  void an_18_byte_revision_key_not_ending_in_t_is_a_put_for_36() throws IOException {
    // mvcc.IsTombstone needs byte 17 == 't'; BytesToBucketKey accepts 18 bytes whatever byte 17 is.
    byte[] k = EtcdDb.revision(3, true);
    k[17] = 'x';
    EtcdDb db = EtcdDb.etcd36().put(2, "a", "1");
    db.raw("key", k, EtcdDb.bytes("")); // empty value: user key ""
    Path file = write(db);
    assertEquals(simple36(db, file, 3, 2, "3.6.0"), ok(file));
  }

  @Test
  void a_revision_key_36_cannot_parse_is_refused_in_36_layout_only() throws IOException {
    // bytesToRev: length 16 is "invalid revision length"; 3.5's reader takes bytes [0:8] and goes on.
    EtcdDb db = EtcdDb.etcd36().put(2, "a", "1").raw("key", new byte[16], new byte[0]);
    Path file = write(db);
    CliRun run = status(file);
    assertEquals(ExitCodes.SNAPSHOT_INTEGRITY, run.exitCode(), run.toString());
    assertTrue(run.err().contains("cannot parse revision key 00000000000000000000000000000000: invalid revision"
        + " length: 16"), run.err());
    assertEquals(0, status(file, "--as", "3.5").exitCode());
    assertEquals(0, status(file, "-o", "json").exitCode(), "etcd-dr's own JSON still reports it");
  }

  @Test
  void a_value_36_cannot_decode_is_refused() throws IOException {
    // "value-1": 'v' = 0x76 is field 14, wire type 6, which protobuf has not: kv.Unmarshal fails.
    EtcdDb db = EtcdDb.etcd36().raw("key", EtcdDb.revision(2, false), EtcdDb.bytes("value-1"));
    CliRun run = status(write(db), "-w", "json");
    assertEquals(ExitCodes.SNAPSHOT_INTEGRITY, run.exitCode(), run.toString());
    assertTrue(run.err().contains("cannot unmarshal the value of revision key"), run.err());
  }

  @Test
  void no_meta_bucket_is_35_by_default_and_a_clear_error_when_36_is_forced() throws IOException {
    // etcdutl 3.6 dereferences the missing bucket and panics; a message that says why is kinder.
    EtcdDb db = EtcdDb.etcd35().withoutBucket("meta").put(2, "a", "1");
    Path file = write(db);
    // 3.5: 6 base - 3 meta entries + 1 = 4.
    assertEquals(Long.toHexString(db.crc32c()) + ", 2, 4, " + GoHumanize.bytes(size(file)) + "\n", ok(file));
    CliRun run = status(file, "--as", "3.6");
    assertEquals(ExitCodes.SNAPSHOT_INTEGRITY, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no meta bucket"), run.err());
  }

  @Test
  void o_json_keeps_its_fields_and_says_the_layout() throws IOException {
    EtcdDb db = EtcdDb.etcd36().put(2, "a", "1").put(3, "b", "1");
    Path file = write(db);
    JsonNode j = JSON.readTree(ok(file, "-o", "json"));
    assertEquals(9, j.get("total_key").asLong(), "3.4/3.5's count, whatever the layout: 7 + 2");
    assertEquals(2, j.get("live_keys").asLong());
    assertEquals("3.6.0", j.get("storage_version").asText());
    assertEquals("3.6", j.get("layout").asText());
    assertEquals("3.5", JSON.readTree(ok(file, "-o", "json", "--as", "3.5")).get("layout").asText());
  }

  @Test
  void as_takes_only_35_36_auto() throws IOException {
    Path file = write(EtcdDb.etcd36());
    CliRun run = status(file, "--as", "3.4");
    assertEquals(ExitCodes.USAGE, run.exitCode(), run.toString());
    assertTrue(run.err().contains("'3.4' is not one of 3.5, 3.6, auto"), run.err());
  }
}
