package dev.etcddr.packing;

import static dev.etcddr.packing.PackFixtures.cli;
import static dev.etcddr.packing.PackFixtures.ok;
import static dev.etcddr.packing.PackFixtures.sh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.SnapshotSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bundle write --age-recipient}: what it writes, Debian's age decrypts to the very .tar.gz a plain run
 * writes, and GNU tar extracts that to the host's tree; no plain copy is left beside --out, after success or
 * failure. Sizes and hashes are computed here (MessageDigest, the age and tar tools), not by the code under test.
 */
class HostBundlePackTest {
  private static final List<String> PLAIN_FIELDS = List.of("file", "size", "sha256", "encryption_config", "entries");
  private static final List<String> FIELDS = List.of("file", "size", "sha256", "encryption_config", "entries",
      "encryption", "recipients", "raw_size", "raw_sha256");

  @TempDir
  Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private Path manifest;
  private Path kube;
  private Path out;

  @BeforeEach
  void host() throws IOException {
    manifest = PackFixtures.hostTree(dir.resolve("host"), "cp2");
    kube = dir.resolve("host/etc/kubernetes");
    out = Files.createDirectories(dir.resolve("out"));
  }

  @Test
  void age_decrypts_it_to_the_plain_bundle_and_gnu_tar_extracts_that_to_the_host_tree() throws IOException {
    PackFixtures.Key a = PackFixtures.key(dir, "a");
    PackFixtures.Key b = PackFixtures.key(dir, "b");
    Files.writeString(dir.resolve("recipients.txt"), "# controller\n\n" + b.recipient() + "\n");
    Path enc = out.resolve("S.db.zst.age.bundle.cp2.tar.gz.age");
    JsonNode r = json.readTree(ok("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(),
        "--age-recipient", a.recipient(), "--age-recipients-file", dir.resolve("recipients.txt").toString(),
        "-o", "json").out());
    assertEquals(FIELDS, fieldNames(r));
    assertEquals(List.of("S.db.zst.age.bundle.cp2.tar.gz.age"), PackFixtures.tree(out), "no raw copy, no .part");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(enc)));

    Path plain = dir.resolve("plain.tar.gz");
    JsonNode p = json.readTree(ok("bundle", "write", "--manifest", manifest.toString(), "--out", plain.toString(),
        "-o", "json").out());
    for (PackFixtures.Key k : List.of(a, b)) {
      Path decrypted = dir.resolve("by-age-" + k.recipient().substring(4, 10) + ".tar.gz");
      sh("age -d -i " + k.identity() + " -o " + decrypted + " " + enc);
      assertArrayEquals(Files.readAllBytes(plain), Files.readAllBytes(decrypted), "the plain bundle's bytes");
      assertEquals(files(kube), gnuTarExtract(decrypted), "GNU tar extracts the host's tree");
    }
    assertEquals(enc.toString(), r.get("file").asText());
    assertEquals(Files.size(enc), r.get("size").asLong());
    assertEquals(SnapshotSets.sha256(enc), r.get("sha256").asText());
    assertEquals(kube.resolve("enc/config.yaml").toString(), r.get("encryption_config").asText());
    assertEquals(7, r.get("entries").asInt());
    assertEquals("age", r.get("encryption").asText());
    assertEquals(List.of(a.recipient(), b.recipient()), json.convertValue(r.get("recipients"), List.class));
    assertEquals(Files.size(plain), r.get("raw_size").asLong());
    assertEquals(SnapshotSets.sha256(plain), r.get("raw_sha256").asText());
    assertEquals(SnapshotSets.sha256(plain), p.get("sha256").asText());
  }

  @Test
  void without_recipients_it_writes_the_plain_bundle_as_before_and_says_so() throws IOException {
    Path plain = out.resolve("S.db.zst.bundle.cp2.tar.gz");
    JsonNode p = json.readTree(ok("bundle", "write", "--manifest", manifest.toString(), "--out", plain.toString(),
        "-o", "json").out());
    assertEquals(FIELDS, fieldNames(p));
    assertEquals(PLAIN_FIELDS, fieldNames(p).subList(0, 5), "the old fields first, in their order");
    assertEquals(files(kube), gnuTarExtract(plain));
    assertEquals(Files.size(plain), p.get("size").asLong());
    assertEquals(SnapshotSets.sha256(plain), p.get("sha256").asText());
    assertTrue(p.get("encryption").isNull(), p.toString());
    assertEquals(List.of(), json.convertValue(p.get("recipients"), List.class));
    assertEquals(p.get("size").asLong(), p.get("raw_size").asLong());
    assertEquals(p.get("sha256").asText(), p.get("raw_sha256").asText());
    assertEquals(List.of("S.db.zst.bundle.cp2.tar.gz"), PackFixtures.tree(out));
  }

  @Test
  void a_bad_key_a_wrong_name_or_a_failure_half_way_leaves_nothing_at_out_and_no_raw_copy() throws IOException {
    PackFixtures.Key a = PackFixtures.key(dir, "a");
    Path enc = out.resolve("B.tar.gz.age");
    CliRun bad = cli("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(),
        "--age-recipient", "age1nope");
    assertEquals(15, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("not an age recipient: 'age1nope'"), bad.err());
    CliRun unreadable = cli("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(),
        "--age-recipients-file", dir.resolve("no-such-recipients.txt").toString());
    assertEquals(15, unreadable.exitCode(), unreadable.toString());
    assertTrue(unreadable.err().contains("cannot read --age-recipients-file " + dir.resolve("no-such-recipients.txt")),
        unreadable.err());
    CliRun name = cli("bundle", "write", "--manifest", manifest.toString(), "--out", out.resolve("B.tar.gz")
        .toString(), "--age-recipient", a.recipient());
    assertEquals(2, name.exitCode(), name.toString());
    assertTrue(name.err().contains("--out " + out.resolve("B.tar.gz") + ": with --age-recipient or"
        + " --age-recipients-file the bundle is encrypted, so its name must end in .tar.gz.age"), name.err());
    CliRun plainAsAge = cli("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString());
    assertEquals(2, plainAsAge.exitCode(), plainAsAge.toString());
    assertTrue(plainAsAge.err().contains("--out " + enc + ": a name ending in .age is for an encrypted bundle; give"
        + " --age-recipient or --age-recipients-file, or name it B.tar.gz"), plainAsAge.err());
    assertEquals(List.of(), PackFixtures.tree(out));

    // Failures after the plain .tar.gz was begun or written: the apiserver's encryption config gone (the bundle
    // writer refuses), then a .part of --out left by another run (the encryption step refuses).
    Path config = kube.resolve("enc/config.yaml");
    Files.move(config, dir.resolve("config.yaml"));
    CliRun noConfig = cli("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(),
        "--age-recipient", a.recipient());
    assertEquals(7, noConfig.exitCode(), noConfig.toString());
    assertTrue(noConfig.err().contains("--encryption-provider-config " + config + " is not a readable file"),
        noConfig.err());
    assertEquals(List.of(), PackFixtures.tree(out), "nothing at --out, no raw copy");
    Files.move(dir.resolve("config.yaml"), config);
    Path stale = out.resolve("B.tar.gz.age.part");
    Files.writeString(stale, "another run's");
    CliRun busy = cli("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(),
        "--age-recipient", a.recipient());
    assertEquals(7, busy.exitCode(), busy.toString());
    assertTrue(busy.err().contains(stale + " already exists"), busy.err());
    assertEquals(List.of("B.tar.gz.age.part"), PackFixtures.tree(out), "only the other run's .part");
    assertEquals("another run's", Files.readString(stale));
  }

  @Test
  void an_existing_out_is_kept_unless_force() throws IOException {
    PackFixtures.Key a = PackFixtures.key(dir, "a");
    PackFixtures.Key b = PackFixtures.key(dir, "b");
    Path enc = out.resolve("B.tar.gz.age");
    ok("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(), "--age-recipient",
        a.recipient());
    byte[] first = Files.readAllBytes(enc);
    CliRun again = cli("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(),
        "--age-recipient", b.recipient());
    assertEquals(7, again.exitCode(), again.toString());
    assertTrue(again.err().contains(enc + " already exists; pass --force to replace it"), again.err());
    assertArrayEquals(first, Files.readAllBytes(enc));
    ok("bundle", "write", "--manifest", manifest.toString(), "--out", enc.toString(), "--age-recipient",
        b.recipient(), "--force");
    assertEquals(List.of("B.tar.gz.age"), PackFixtures.tree(out));
    assertEquals(1, Proc.run(List.of("age", "-d", "-i", a.identity().toString(), "-o", dir.resolve("x.tar.gz")
        .toString(), enc.toString())).exitCode(), "a no longer opens it");
    sh("age -d -i " + b.identity() + " -o " + dir.resolve("y.tar.gz") + " " + enc);
    assertEquals(files(kube), gnuTarExtract(dir.resolve("y.tar.gz")));
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Each regular file under {@code root}, relative path to its SHA-256. */
  private static Map<String, String> files(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(f).toString(), SnapshotSets.sha256(f));
      }
    }
    return m;
  }

  /** What GNU tar extracts, seen from the host's etc/kubernetes (tar stores its absolute paths without the /). */
  private Map<String, String> gnuTarExtract(Path tarGz) throws IOException {
    Path into = Files.createTempDirectory(dir, "x");
    sh("tar -xzf " + tarGz + " -C " + into);
    Path extracted = into.resolve(kube.toString().substring(1));
    assertEquals(files(into).size(), files(extracted).size(), "nothing outside " + kube);
    return files(extracted);
  }
}
