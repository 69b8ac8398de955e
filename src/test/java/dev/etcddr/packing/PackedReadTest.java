package dev.etcddr.packing;

import static dev.etcddr.packing.PackFixtures.NAME;
import static dev.etcddr.packing.PackFixtures.cli;
import static dev.etcddr.packing.PackFixtures.ok;
import static dev.etcddr.packing.PackFixtures.sh;
import static dev.etcddr.packing.PackFixtures.tree;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.DataDirFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, verify, restore and unpack take packed files directly, the tools' and the jar's alike. */
class PackedReadTest {
  @TempDir
  Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private Path raw;
  private Path work;
  private PackFixtures.Key key;

  @BeforeEach
  void set() throws IOException {
    raw = PackFixtures.rawSet(dir.resolve("set"));
    work = Files.createDirectories(dir.resolve("work"));
    key = PackFixtures.key(dir, "controller");
  }

  private JsonNode status(Path file, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("snapshot", "status", file.toString(), "-o", "json", "--work-dir",
        work.toString()));
    args.addAll(List.of(more));
    ObjectNode n = (ObjectNode) json.readTree(ok(args.toArray(String[]::new)).out());
    n.remove("file");
    return n;
  }

  private CliRun restore(Path file, Path dataDir, String... more) {
    List<String> args = new ArrayList<>(List.of("snapshot", "restore", file.toString(), "--data-dir",
        dataDir.toString(), "--name", "m1", "--initial-cluster", "m1=https://10.0.0.1:2380",
        "--initial-advertise-peer-urls", "https://10.0.0.1:2380", "--initial-cluster-token", "t-1"));
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  @Test
  void status_and_verify_read_files_the_zstd_and_age_tools_packed() throws IOException {
    Path t = Files.createDirectories(dir.resolve("tools"));
    Path zst = t.resolve(NAME + ".zst");
    Path zstAge = t.resolve(NAME + ".zst.age");
    Path age = t.resolve(NAME + ".age");
    sh("zstd -q -19 -o " + zst + " " + raw);
    sh("zstd -q -c " + raw + " | age -r " + key.recipient() + " > " + zstAge);
    sh("age -r " + key.recipient() + " -o " + age + " " + raw);
    JsonNode expected = status(raw);
    assertTrue(expected.get("revision").asLong() > 3000, expected.toString());
    assertEquals(expected, status(zst));
    assertEquals(expected, status(zstAge, "--age-identity", key.identity().toString()));
    assertEquals(expected, status(age, "--age-identity", key.identity().toString()));
    String text = ok("snapshot", "status", raw.toString(), "-w", "table").out();
    assertEquals(text, ok("snapshot", "status", zstAge.toString(), "-w", "table", "--age-identity",
        key.identity().toString()).out());
    for (Path p : List.of(zst, zstAge, age)) {
      JsonNode v = json.readTree(ok("snapshot", "verify", p.toString(), "--age-identity", key.identity().toString(),
          "--work-dir", work.toString(), "-o", "json").out());
      assertTrue(v.get("ok").asBoolean(), v.toString());
      assertEquals("unpack", v.get("checks").get(0).get("name").asText());
      assertTrue(v.get("checks").get(0).get("detail").asText().contains("no sidecar to check against"), v.toString());
      assertEquals(p.toString(), v.get("file").asText());
    }
    assertEquals(List.of(), tree(work), "the unpacked copies are gone");
  }

  @Test
  void an_encrypted_file_needs_the_flag_and_the_right_key_and_a_wrong_one_writes_nothing() throws IOException {
    ok("snapshot", "pack", raw.toString(), "--zstd", "--age-recipient", key.recipient());
    Path packed = raw.resolveSibling(NAME + ".zst.age");
    CliRun none = cli("snapshot", "status", packed.toString(), "--work-dir", work.toString());
    assertEquals(15, none.exitCode(), none.toString());
    assertTrue(none.err().contains("--age-identity KEYFILE"), none.err());
    PackFixtures.Key other = PackFixtures.key(dir, "other");
    for (String cmd : List.of("status", "verify")) {
      CliRun wrong = cli("snapshot", cmd, packed.toString(), "--work-dir", work.toString(), "--age-identity",
          other.identity().toString(), "-o", "json");
      assertEquals(15, wrong.exitCode(), wrong.toString());
      assertTrue(wrong.err().contains("no identity matches") && wrong.err().contains(other.recipient()),
          wrong.err());
      assertTrue(wrong.out().contains("\"kind\" : \"age_key\""), wrong.out());
    }
    Path target = dir.resolve("restores");
    Files.createDirectories(target);
    CliRun r = restore(packed, target.resolve("m1.etcd"), "--age-identity", other.identity().toString());
    assertEquals(15, r.exitCode(), r.toString());
    assertEquals(List.of(), tree(target));
    assertEquals(List.of(), tree(work));
  }

  @Test
  void a_flipped_byte_is_refused_by_verify_and_restore_and_nothing_is_restored() throws IOException {
    ok("snapshot", "pack", raw.toString(), "--zstd", "--age-recipient", key.recipient());
    Path packed = raw.resolveSibling(NAME + ".zst.age");
    PackFixtures.flipByte(packed, Files.size(packed) / 2);
    CliRun v = cli("snapshot", "verify", packed.toString(), "--age-identity", key.identity().toString(),
        "--work-dir", work.toString(), "-o", "json");
    assertEquals(6, v.exitCode(), v.toString());
    JsonNode report = json.readTree(v.out());
    assertEquals("unpack", report.get("checks").get(0).get("name").asText());
    assertEquals("fail", report.get("checks").get(0).get("result").asText());
    Path target = Files.createDirectories(dir.resolve("restores"));
    CliRun r = restore(packed, target.resolve("m1.etcd"), "--age-identity", key.identity().toString());
    assertEquals(6, r.exitCode(), r.toString());
    assertTrue(r.err().contains(packed.toString()), r.err());
    assertEquals(List.of(), tree(target));
    assertEquals(List.of(), tree(work));

    // zstd alone: its frame checksum catches it even with no sidecar to compare with.
    Path t = Files.createDirectories(dir.resolve("tools"));
    Path zst = t.resolve(NAME + ".zst");
    sh("zstd -q -o " + zst + " " + raw);
    PackFixtures.flipByte(zst, Files.size(zst) / 2);
    CliRun z = cli("snapshot", "verify", zst.toString(), "--work-dir", work.toString());
    assertEquals(6, z.exitCode(), z.toString());
    assertTrue(z.out().startsWith("FAIL    unpack"), z.out());
    assertEquals(List.of(), tree(work));
  }

  @Test
  void a_packed_file_that_decrypts_but_is_not_what_its_sidecar_says_is_refused() throws IOException {
    ok("snapshot", "pack", raw.toString(), "--zstd");
    Path packed = raw.resolveSibling(NAME + ".zst");
    Path sidecar = raw.resolveSibling(NAME + ".zst.json");
    ObjectNode side = (ObjectNode) json.readTree(sidecar.toFile());
    ((ObjectNode) side.get("packing")).put("raw_sha256", "0".repeat(64));
    Files.write(sidecar, json.writeValueAsBytes(side));
    CliRun s = cli("snapshot", "status", packed.toString(), "--work-dir", work.toString());
    assertEquals(6, s.exitCode(), s.toString());
    assertTrue(s.err().contains("(raw_sha256)"), s.err());
    CliRun u = cli("snapshot", "unpack", packed.toString(), "--out", dir.resolve("out.db").toString());
    assertEquals(6, u.exitCode(), u.toString());
    assertFalse(Files.exists(dir.resolve("out.db")));
    assertFalse(Files.exists(dir.resolve("out.db.part")));
  }

  @Test
  void a_restore_from_the_packed_file_equals_the_restore_from_the_raw_file() throws IOException {
    ok("snapshot", "pack", raw.toString(), "--zstd", "--age-recipient", key.recipient());
    Path fromRaw = dir.resolve("a/m1.etcd");
    Path fromPacked = dir.resolve("b/m1.etcd");
    assertEquals(0, restore(raw, fromRaw, "--bump-revision", "1000", "--mark-compacted").exitCode());
    CliRun r = restore(raw.resolveSibling(NAME + ".zst.age"), fromPacked, "--age-identity",
        key.identity().toString(), "--bump-revision", "1000", "--mark-compacted");
    assertEquals(0, r.exitCode(), r.toString());
    List<String> files = tree(fromRaw);
    assertTrue(files.contains("member/snap/db") && files.size() >= 5, files.toString());
    assertEquals(files, tree(fromPacked));
    for (String f : files) {
      if (Files.isRegularFile(fromRaw.resolve(f))) {
        assertArrayEquals(Files.readAllBytes(fromRaw.resolve(f)), Files.readAllBytes(fromPacked.resolve(f)), f);
      }
    }
    assertEquals(List.of("m1.etcd"), Files.list(dir.resolve("b")).map(p -> p.getFileName().toString()).toList(),
        "the unpacked copy beside the data dir is gone");
  }

  @Test
  void an_in_place_restore_takes_a_packed_file_unpacking_it_in_the_data_dir_and_leaving_nothing_there()
      throws IOException {
    DataDirFixture fromRaw = new DataDirFixture(dir.resolve("host-a"));
    DataDirFixture fromPacked = new DataDirFixture(dir.resolve("host-b"));
    Path packed = fromPacked.snapshot().resolveSibling("etcd.db.zst.age");
    sh("zstd -q -c " + fromPacked.snapshot() + " | age -r " + key.recipient() + " > " + packed);
    List<String> inPlace = List.of("--in-place", "--restore-id", "r1", "--initial-cluster-token", "t-1");
    PackFixtures.Key other = PackFixtures.key(dir, "other");
    java.util.TreeMap<String, String> before = fromPacked.listing();
    for (String[] extra : List.of(new String[] {"--age-identity", other.identity().toString()},
        new String[] {"--age-identity", key.identity().toString(), "--dry-run"})) {
      List<String> args = new ArrayList<>(List.of("snapshot", "restore", packed.toString(), "--manifest",
          fromPacked.manifest().toString()));
      args.addAll(inPlace);
      args.addAll(List.of(extra));
      CliRun r = cli(args.toArray(String[]::new));
      assertEquals(extra.length == 2 ? 15 : 0, r.exitCode(), r.toString());
      assertEquals(before, fromPacked.listing(), "a wrong key and a dry run leave D as it was");
    }
    List<String> a = new ArrayList<>(List.of("snapshot", "restore", fromRaw.snapshot().toString(), "--manifest",
        fromRaw.manifest().toString()));
    a.addAll(inPlace);
    ok(a.toArray(String[]::new));
    List<String> b = new ArrayList<>(List.of("snapshot", "restore", packed.toString(), "--manifest",
        fromPacked.manifest().toString(), "--age-identity", key.identity().toString()));
    b.addAll(inPlace);
    ok(b.toArray(String[]::new));
    Path dbA = fromRaw.dataDir().resolve("member/snap/db");
    Path dbB = fromPacked.dataDir().resolve("member/snap/db");
    assertFalse(DataDirFixture.isOriginal(fromPacked.dataDir().resolve("member")));
    assertArrayEquals(Files.readAllBytes(dbA), Files.readAllBytes(dbB));
    assertEquals(tree(fromRaw.dataDir()), tree(fromPacked.dataDir()), "no unpacked copy left in D");
  }

  @Test
  void unpack_writes_the_raw_file_and_a_packed_bundle_back_checked_against_the_sidecar() throws IOException {
    ok("snapshot", "pack", raw.toString(), "--zstd", "--age-recipient", key.recipient());
    Path packed = raw.resolveSibling(NAME + ".zst.age");
    CliRun exists = cli("snapshot", "unpack", packed.toString(), "--age-identity", key.identity().toString());
    assertEquals(7, exists.exitCode(), "the raw set is still there: " + exists);
    Path out = dir.resolve("restored.db");
    JsonNode r = json.readTree(ok("snapshot", "unpack", packed.toString(), "--age-identity",
        key.identity().toString(), "--out", out.toString(), "-o", "json").out());
    assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(out));
    assertEquals("zstd+age", r.get("layers").asText());
    assertEquals(packed.resolveSibling(NAME + ".zst.age.json").toString(), r.get("sidecar").asText());
    Path bundle = raw.resolveSibling(NAME + ".zst.age.bundle.cp1.tar.gz.age");
    JsonNode b = json.readTree(ok("snapshot", "unpack", bundle.toString(), "--age-identity",
        key.identity().toString(), "-o", "json").out());
    assertEquals(bundle.resolveSibling(NAME + ".zst.age.bundle.cp1.tar.gz").toString(), b.get("out").asText());
    assertArrayEquals(Files.readAllBytes(raw.resolveSibling(NAME + ".bundle.cp1.tar.gz")),
        Files.readAllBytes(Path.of(b.get("out").asText())));
    assertEquals(packed.resolveSibling(NAME + ".zst.age.json").toString(), b.get("sidecar").asText());
    CliRun notPacked = cli("snapshot", "unpack", raw.toString());
    assertEquals(8, notPacked.exitCode(), notPacked.toString());
  }
}
