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
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.SnapshotSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshot pack} held to the zstd and age tools: what it writes, they read back to the saved bytes. */
class PackTest {
  @TempDir
  Path dir;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void the_zstd_tool_decompresses_the_packed_snapshot_to_the_saved_bytes_and_the_sidecar_describes_both() throws
      IOException {
    Path raw = PackFixtures.rawSet(dir);
    CliRun r = ok("snapshot", "pack", raw.toString(), "--zstd", "-o", "json");
    Path packed = dir.resolve(NAME + ".zst");
    assertEquals(packed.toString(), json.readTree(r.out()).get("file").asText());
    sh("zstd -q -d -c " + packed + " > " + dir.resolve("by-zstd.db"));
    assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(dir.resolve("by-zstd.db")));
    sh("zstd -q -t " + packed);

    JsonNode side = json.readTree(dir.resolve(NAME + ".zst.json").toFile());
    assertEquals(NAME + ".zst", side.get("file").asText());
    assertEquals(Files.size(packed), side.get("file_size").asLong());
    assertEquals(SnapshotSets.sha256(packed), side.get("sha256").asText());
    JsonNode p = side.get("packing");
    assertEquals("zstd", p.get("compression").asText());
    assertEquals(3, p.get("zstd_level").asInt());
    assertTrue(p.get("encryption").isNull(), p.toString());
    assertEquals(NAME, p.get("raw_file").asText());
    assertEquals(Files.size(raw), p.get("raw_size").asLong());
    assertEquals(SnapshotSets.sha256(raw), p.get("raw_sha256").asText());
    // Everything else of the old sidecar is kept.
    assertEquals(1042, side.get("revision").asLong());
    assertEquals("lab", side.get("cluster_name").asText());
    // Without recipients the bundles are copied as they are, under names that follow the packed one.
    assertArrayEquals(Files.readAllBytes(dir.resolve(NAME + ".bundle.tar.gz")),
        Files.readAllBytes(dir.resolve(NAME + ".zst.bundle.tar.gz")));
    assertEquals(NAME + ".zst.bundle.cp1.tar.gz", side.get("host_bundles").get(0).get("file").asText());
    assertTrue(Files.size(packed) < Files.size(raw), Files.size(packed) + " vs " + Files.size(raw));
  }

  @Test
  void the_age_tool_decrypts_snapshot_bundle_and_host_bundles_and_nothing_leaves_in_the_clear() throws IOException {
    Path raw = PackFixtures.rawSet(dir);
    PackFixtures.Key a = PackFixtures.key(dir, "a");
    PackFixtures.Key b = PackFixtures.key(dir, "b");
    Files.writeString(dir.resolve("recipients.txt"), "# the controller's keys\n\n" + b.recipient() + "\n");
    ok("snapshot", "pack", raw.toString(), "--zstd", "--zstd-level", "9", "--age-recipient", a.recipient(),
        "--age-recipients-file", dir.resolve("recipients.txt").toString());
    String p = NAME + ".zst.age";
    for (PackFixtures.Key k : List.of(a, b)) {
      sh("age -d -i " + k.identity() + " " + dir.resolve(p) + " | zstd -q -d -c > " + dir.resolve("out.db"));
      assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(dir.resolve("out.db")));
      Files.delete(dir.resolve("out.db"));
    }
    for (String bundle : List.of(".bundle.tar.gz", ".bundle.cp1.tar.gz", ".bundle.cp2.tar.gz")) {
      Path enc = dir.resolve(p + bundle + ".age");
      // Redirected rather than -o: age opens -o only at its first write, and cp2's bundle is empty.
      sh("age -d -i " + a.identity() + " " + enc + " > " + dir.resolve("b.out"));
      assertArrayEquals(Files.readAllBytes(dir.resolve(NAME + bundle)), Files.readAllBytes(dir.resolve("b.out")),
          bundle);
      Files.delete(dir.resolve("b.out"));
    }
    JsonNode side = json.readTree(dir.resolve(p + ".json").toFile());
    assertEquals(p + ".bundle.tar.gz.age", side.get("bundle").asText());
    assertEquals(SnapshotSets.sha256(dir.resolve(p + ".bundle.tar.gz.age")), side.get("bundle_sha256").asText());
    assertEquals(SnapshotSets.sha256(dir.resolve(NAME + ".bundle.tar.gz")),
        side.get("packing").get("raw_bundle_sha256").asText());
    JsonNode cp1 = side.get("host_bundles").get(0);
    assertEquals(p + ".bundle.cp1.tar.gz.age", cp1.get("file").asText());
    assertEquals(Files.size(dir.resolve(p + ".bundle.cp1.tar.gz.age")), cp1.get("size").asLong());
    assertEquals(SnapshotSets.sha256(dir.resolve(NAME + ".bundle.cp1.tar.gz")), cp1.get("raw_sha256").asText());
    assertEquals(List.of(a.recipient(), b.recipient()), json.convertValue(side.get("packing").get("recipients"),
        List.class));
    assertEquals(9, side.get("packing").get("zstd_level").asInt());
    // Only the packed set was added, each file 0600, no .part left.
    for (String f : PackFixtures.tree(dir)) {
      assertFalse(f.endsWith(".part"), f);
      assertTrue(f.startsWith(NAME) && !f.contains(".zst.age.") || f.startsWith(p) && (f.endsWith(".age")
          || f.endsWith(".json")) || !f.startsWith("etcd-"), f);
    }
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve(p))));
  }

  @Test
  void age_only_is_age_of_the_raw_bytes() throws IOException {
    Path raw = PackFixtures.rawSet(dir);
    PackFixtures.Key a = PackFixtures.key(dir, "a");
    ok("snapshot", "pack", raw.toString(), "--age-recipient", a.recipient());
    sh("age -d -i " + a.identity() + " -o " + dir.resolve("out.db") + " " + dir.resolve(NAME + ".age"));
    assertArrayEquals(Files.readAllBytes(raw), Files.readAllBytes(dir.resolve("out.db")));
    assertTrue(json.readTree(dir.resolve(NAME + ".age.json").toFile()).get("packing").get("compression").isNull());
  }

  @Test
  void refuses_a_set_whose_file_is_not_what_its_sidecar_says_and_leaves_nothing() throws IOException {
    Path raw = PackFixtures.rawSet(dir);
    PackFixtures.flipByte(raw, 5000);
    List<String> before = PackFixtures.tree(dir);
    CliRun r = cli("snapshot", "pack", raw.toString(), "--zstd");
    assertEquals(6, r.exitCode(), r.toString());
    assertTrue(r.err().contains("not the one the sidecar vouches for"), r.err());
    assertEquals(before, PackFixtures.tree(dir));
  }

  @Test
  void refuses_to_pack_twice_without_a_sidecar_or_without_anything_to_do() throws IOException {
    Path raw = PackFixtures.rawSet(dir);
    ok("snapshot", "pack", raw.toString(), "--zstd");
    CliRun again = cli("snapshot", "pack", raw.toString(), "--zstd");
    assertEquals(7, again.exitCode(), again.toString());
    assertTrue(again.err().contains("already exists"), again.err());
    CliRun packedAgain = cli("snapshot", "pack", dir.resolve(NAME + ".zst").toString(), "--zstd");
    assertEquals(8, packedAgain.exitCode(), packedAgain.toString());
    assertEquals(2, cli("snapshot", "pack", raw.toString()).exitCode());
    assertEquals(2, cli("snapshot", "pack", raw.toString(), "--age-recipient", "x", "--zstd-level", "3")
        .exitCode());
    assertEquals(2, cli("snapshot", "pack", raw.toString(), "--zstd", "--zstd-level", "20").exitCode());
    CliRun badKey = cli("snapshot", "pack", raw.toString(), "--age-recipient", "age1nope");
    assertEquals(15, badKey.exitCode(), badKey.toString());
    Files.delete(dir.resolve(NAME + ".json"));
    Files.delete(dir.resolve(NAME + ".zst"));
    CliRun noSidecar = cli("snapshot", "pack", raw.toString(), "--zstd");
    assertEquals(8, noSidecar.exitCode(), noSidecar.toString());
    assertTrue(noSidecar.err().contains("no sidecar"), noSidecar.err());
  }
}
