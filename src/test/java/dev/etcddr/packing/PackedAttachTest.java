package dev.etcddr.packing;

import static dev.etcddr.packing.PackFixtures.NAME;
import static dev.etcddr.packing.PackFixtures.cli;
import static dev.etcddr.packing.PackFixtures.ok;
import static dev.etcddr.packing.PackFixtures.sh;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot attach-bundles} on a packed set, as backup.yml runs it on the controller (no identity): an
 * encrypted host bundle is listed when its header has one X25519 stanza per recipient of the set, and refused,
 * sidecar byte-equal, when it is plain, encrypted to another number of keys, or only under the other name; a
 * zstd-only set's plain bundle is read through. The listed bundle unpacks with the identity to what age -d gives.
 * Sizes come from Files, hashes from sha256sum, encrypting from Debian's age where a second writer is needed.
 */
class PackedAttachTest {
  private static final String ENCRYPTED = NAME + ".zst.age";
  private static final String ZSTD_ONLY = NAME + ".zst";

  @TempDir
  Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private PackFixtures.Key a;
  private PackFixtures.Key b;

  @BeforeEach
  void keys() throws IOException {
    PackFixtures.rawSet(dir);
    a = PackFixtures.key(dir, "a");
    b = PackFixtures.key(dir, "b");
  }

  @Test
  void an_encrypted_bundle_is_listed_by_size_and_sha256_and_unpacks_with_the_identity_to_what_age_gives()
      throws IOException {
    ok("snapshot", "pack", dir.resolve(NAME).toString(), "--zstd", "--age-recipient", a.recipient(),
        "--age-recipient", b.recipient());
    Path cp3 = bundleWrite("cp3", dir.resolve(ENCRYPTED + ".bundle.cp3.tar.gz.age"), a.recipient(), b.recipient());
    // A second writer: Debian's age, encrypting a plain bundle to the same two keys.
    Path plain4 = bundleWrite("cp4", dir.resolve("cp4.tar.gz"));
    Path cp4 = dir.resolve(ENCRYPTED + ".bundle.cp4.tar.gz.age");
    sh("age -e -r " + a.recipient() + " -r " + b.recipient() + " -o " + cp4 + " " + plain4);
    JsonNode before = sidecar();

    JsonNode r = json.readTree(ok("snapshot", "attach-bundles", dir.resolve(ENCRYPTED).toString(), "--host", "cp3",
        "--host", "cp4", "-o", "json").out());
    assertEquals(2, r.get("host_bundles").size(), r.toString());
    JsonNode after = sidecar();
    JsonNode hosts = after.get("host_bundles");
    assertEquals(before.get("host_bundles").get(0), hosts.get(0), "cp1, packed with the set, kept as it was");
    assertEquals(before.get("host_bundles").get(1), hosts.get(1), "cp2 too");
    for (int i = 2; i < 4; i++) {
      JsonNode e = hosts.get(i);
      Path file = i == 2 ? cp3 : cp4;
      assertEquals(List.of("host", "file", "size", "sha256"), fieldNames(e), "no raw_* for what cannot be read");
      assertEquals(i == 2 ? "cp3" : "cp4", e.get("host").asText());
      assertEquals(file.getFileName().toString(), e.get("file").asText());
      assertEquals(Files.size(file), e.get("size").asLong());
      assertEquals(sha256sum(file), e.get("sha256").asText());
      assertEquals(e, r.get("host_bundles").get(i - 2));
    }
    ((ObjectNode) after).remove("host_bundles");
    ((ObjectNode) before).remove("host_bundles");
    assertEquals(before, after, "nothing else of the sidecar changed");

    Path byAge = dir.resolve("by-age.tar.gz");
    sh("age -d -i " + b.identity() + " -o " + byAge + " " + cp3);
    Path unpacked = dir.resolve("unpacked.tar.gz");
    JsonNode u = json.readTree(ok("snapshot", "unpack", cp3.toString(), "--age-identity", a.identity().toString(),
        "--out", unpacked.toString(), "-o", "json").out());
    assertArrayEquals(Files.readAllBytes(byAge), Files.readAllBytes(unpacked));
    assertEquals(dir.resolve(ENCRYPTED + ".json").toString(), u.get("sidecar").asText(), u.toString());

    PackFixtures.Key c = PackFixtures.key(dir, "c");
    List<String> files = PackFixtures.tree(dir);
    CliRun wrong = cli("snapshot", "unpack", cp3.toString(), "--age-identity", c.identity().toString(), "--out",
        dir.resolve("wrong.tar.gz").toString());
    assertEquals(15, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.err().contains(cp3 + ": no identity matches any of the file's 2 recipient stanzas"),
        wrong.err());
    assertEquals(files, PackFixtures.tree(dir), "nothing written, not even a .part");

    // The packed sha256 is still held to the sidecar when the entry has no raw_* fields.
    String side = Files.readString(dir.resolve(ENCRYPTED + ".json"));
    Files.writeString(dir.resolve(ENCRYPTED + ".json"), side.replace(hosts.get(2).get("sha256").asText(),
        "0".repeat(64)));
    CliRun changed = cli("snapshot", "unpack", cp3.toString(), "--age-identity", a.identity().toString(), "--out",
        dir.resolve("changed.tar.gz").toString());
    assertEquals(6, changed.exitCode(), changed.toString());
    assertTrue(changed.err().contains("says " + "0".repeat(64)), changed.err());
    assertFalse(Files.exists(dir.resolve("changed.tar.gz")));
  }

  @Test
  void a_bundle_plain_or_encrypted_to_other_keys_or_under_the_other_name_is_refused_and_the_sidecar_kept()
      throws IOException {
    ok("snapshot", "pack", dir.resolve(NAME).toString(), "--age-recipient", a.recipient(), "--age-recipient",
        b.recipient());
    String p = NAME + ".age";
    Path good = bundleWrite("cp3", dir.resolve(p + ".bundle.cp3.tar.gz.age"), a.recipient(), b.recipient());
    Path one = bundleWrite("cp5", dir.resolve(p + ".bundle.cp5.tar.gz.age"), a.recipient());
    Path plainName = bundleWrite("cp6", dir.resolve(p + ".bundle.cp6.tar.gz"));
    Path plainInside = dir.resolve(p + ".bundle.cp7.tar.gz.age");
    Files.copy(bundleWrite("cp7", dir.resolve("cp7.tar.gz")), plainInside);
    byte[] before = Files.readAllBytes(dir.resolve(p + ".json"));

    CliRun fewer = attach(p, "cp3", "cp5");
    assertEquals(6, fewer.exitCode(), fewer.toString());
    assertTrue(fewer.err().contains(one + " is encrypted to 1 X25519 recipient, but " + p + " was packed to 2"
        + " (packing.recipients in " + p + ".json)"), fewer.err());
    CliRun plain = attach(p, "cp6");
    assertEquals(8, plain.exitCode(), plain.toString());
    assertTrue(plain.err().contains("no " + dir.resolve(p + ".bundle.cp6.tar.gz.age") + ", only "
        + plainName.getFileName() + ", which is not encrypted: " + p + " is encrypted (age)"), plain.err());
    CliRun inside = attach(p, "cp7");
    assertEquals(6, inside.exitCode(), inside.toString());
    assertTrue(inside.err().contains(plainInside + " is not encrypted (it does not start with an age header)"),
        inside.err());
    CliRun none = attach(p, "cp8");
    assertEquals(8, none.exitCode(), none.toString());
    assertTrue(none.err().contains("no " + dir.resolve(p + ".bundle.cp8.tar.gz.age") + ": write it on cp8 with"
        + " `etcd-dr bundle write --out " + p + ".bundle.cp8.tar.gz.age --age-recipient AGE1...`"), none.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(p + ".json")), "byte-equal after every refusal");
    assertFalse(Files.exists(dir.resolve(p + ".json.part")));

    ok("snapshot", "attach-bundles", dir.resolve(p).toString(), "--host", "cp3");
    assertEquals(good.getFileName().toString(), sidecar(p).get("host_bundles").get(2).get("file").asText());
  }

  @Test
  void a_zstd_only_set_takes_a_plain_bundle_read_through_and_refuses_an_encrypted_one() throws IOException {
    ok("snapshot", "pack", dir.resolve(NAME).toString(), "--zstd");
    Path cp3 = bundleWrite("cp3", dir.resolve(ZSTD_ONLY + ".bundle.cp3.tar.gz"));
    Path encName = bundleWrite("cp4", dir.resolve(ZSTD_ONLY + ".bundle.cp4.tar.gz.age"), a.recipient());
    Path encInside = dir.resolve(ZSTD_ONLY + ".bundle.cp5.tar.gz");
    sh("age -e -r " + a.recipient() + " -o " + encInside + " " + cp3);
    Path damaged = dir.resolve(ZSTD_ONLY + ".bundle.cp6.tar.gz");
    Files.copy(cp3, damaged);
    PackFixtures.flipByte(damaged, Files.size(damaged) / 2);
    byte[] before = Files.readAllBytes(dir.resolve(ZSTD_ONLY + ".json"));

    CliRun enc = attach(ZSTD_ONLY, "cp4");
    assertEquals(8, enc.exitCode(), enc.toString());
    assertTrue(enc.err().contains("only " + encName.getFileName() + ", which is encrypted: " + ZSTD_ONLY
        + " is not, so its host bundles are plain .tar.gz"), enc.err());
    CliRun inside = attach(ZSTD_ONLY, "cp5");
    assertEquals(6, inside.exitCode(), inside.toString());
    assertTrue(inside.err().contains(encInside + " is encrypted (age), but " + ZSTD_ONLY + " is not"),
        inside.err());
    CliRun broken = attach(ZSTD_ONLY, "cp6");
    assertEquals(6, broken.exitCode(), broken.toString());
    assertTrue(broken.err().contains(damaged + " is not a readable bundle"), broken.err());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(ZSTD_ONLY + ".json")));

    ok("snapshot", "attach-bundles", dir.resolve(ZSTD_ONLY).toString(), "--host", "cp3");
    JsonNode e = sidecar(ZSTD_ONLY).get("host_bundles").get(2);
    assertEquals(cp3.getFileName().toString(), e.get("file").asText());
    assertEquals(Files.size(cp3), e.get("size").asLong());
    assertEquals(sha256sum(cp3), e.get("sha256").asText());
  }

  @Test
  void a_raw_set_is_attached_as_before_and_a_packed_name_without_a_packed_sidecar_is_refused() throws IOException {
    Path cp3 = bundleWrite("cp3", dir.resolve(NAME + ".bundle.cp3.tar.gz"));
    ok("snapshot", "attach-bundles", dir.resolve(NAME).toString(), "--host", "cp3");
    JsonNode e = sidecar(NAME).get("host_bundles").get(2);
    assertEquals(List.of("host", "file", "size", "sha256"), fieldNames(e));
    assertEquals(sha256sum(cp3), e.get("sha256").asText());

    Files.copy(dir.resolve(NAME), dir.resolve(ZSTD_ONLY));
    Files.copy(dir.resolve(NAME + ".json"), dir.resolve(ZSTD_ONLY + ".json"));
    CliRun r = attach(ZSTD_ONLY, "cp3");
    assertEquals(8, r.exitCode(), r.toString());
    assertTrue(r.err().contains("is named as a packed snapshot (.zst, .age), but there is no packed sidecar "
        + ZSTD_ONLY + ".json beside it"), r.err());
  }

  private CliRun attach(String snapshot, String... hosts) {
    List<String> argv = new ArrayList<>(List.of("snapshot", "attach-bundles", dir.resolve(snapshot).toString()));
    for (String h : hosts) {
      argv.addAll(List.of("--host", h));
    }
    return cli(argv.toArray(String[]::new));
  }

  /** {@code bundle write} on a fresh host tree of {@code host}, to {@code out}, encrypted to the recipients given. */
  private Path bundleWrite(String host, Path out, String... recipients) throws IOException {
    Path manifest = PackFixtures.hostTree(dir.resolve("hosts/" + host), host);
    List<String> argv = new ArrayList<>(List.of("bundle", "write", "--manifest", manifest.toString(), "--out",
        out.toString()));
    for (String r : recipients) {
      argv.addAll(List.of("--age-recipient", r));
    }
    ok(argv.toArray(String[]::new));
    return out;
  }

  private JsonNode sidecar() throws IOException {
    return sidecar(ENCRYPTED);
  }

  private JsonNode sidecar(String snapshot) throws IOException {
    return json.readTree(dir.resolve(snapshot + ".json").toFile());
  }

  private static String sha256sum(Path file) {
    return Proc.run(List.of("sha256sum", file.toString())).requireSuccess().stdout().split(" ")[0];
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
