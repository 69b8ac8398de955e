package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.SnapshotSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host bundles travel with their snapshot: attach lists them in the sidecar (a damaged one is refused and the
 * sidecar kept), stores copy, check and delete them with the set, and latest --host-bundle passes over sets without
 * one. Sizes and hashes are computed here with MessageDigest; the archive is listed with GNU tar.
 */
class HostBundlesTest {
  private static final String NAME = "etcd-00000000000000aa-20261202T060000Z-r10-cp1.db";
  private static final String OLDER = "etcd-00000000000000aa-20261202T050000Z-r9-cp1.db";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void attach_lists_each_host_bundle_and_a_store_copies_checks_and_deletes_it_with_the_set() throws Exception {
    Path from = dir.resolve("from");
    Path snapshot = SnapshotSets.write(from, NAME, SnapshotSets.bytes(1, 4096));
    Path cp2 = bundleOf(from.resolve(SnapshotStore.hostBundleName(NAME, "cp2")), "cp2");
    List<SidecarFacts.HostBundle> added = HostBundles.attach(snapshot, List.of("cp2"));
    assertEquals(1, added.size());
    JsonNode sidecar = JSON.readTree(from.resolve(NAME + ".json").toFile());
    assertEquals("cp2", sidecar.at("/host_bundles/0/host").asText());
    assertEquals(SnapshotSets.sha256(cp2), sidecar.at("/host_bundles/0/sha256").asText());
    assertEquals(Files.size(cp2), sidecar.at("/host_bundles/0/size").asLong());
    assertEquals(SnapshotSets.sha256(SnapshotSets.bytes(1, 4096)), sidecar.path("sha256").asText(), "kept");

    Path to = dir.resolve("store");
    new LocalStore(to).upload(snapshot);
    assertArrayEquals(Files.readAllBytes(cp2), Files.readAllBytes(to.resolve(cp2.getFileName())));
    assertEquals(NAME, LatestPicker.pick(new LocalStore(to), Optional.of("cp2")).file());

    Files.write(to.resolve(cp2.getFileName()), new byte[] {1, 2, 3});
    InputFileException none = assertThrows(InputFileException.class, () -> LatestPicker.pick(new LocalStore(to)));
    assertTrue(none.getMessage().contains("host bundle " + cp2.getFileName() + " has 3 bytes"), none.getMessage());

    new LocalStore(to).delete(NAME);
    try (var left = Files.list(to)) {
      assertEquals(List.of(), left.toList(), "snapshot, sidecar and host bundle all deleted");
    }
  }

  @Test
  void latest_with_a_host_bundle_passes_over_a_newer_set_without_one() throws Exception {
    Path store = dir.resolve("store");
    Path older = SnapshotSets.write(store, OLDER, SnapshotSets.bytes(2, 100));
    bundleOf(store.resolve(SnapshotStore.hostBundleName(OLDER, "cp3")), "cp3");
    HostBundles.attach(older, List.of("cp3"));
    SnapshotSets.write(store, NAME, SnapshotSets.bytes(3, 100));
    assertEquals(NAME, LatestPicker.pick(new LocalStore(store)).file());
    LatestSnapshot l = LatestPicker.pick(new LocalStore(store), Optional.of("cp3"));
    assertEquals(OLDER, l.file());
    assertEquals(List.of(new LatestSnapshot.Skipped(NAME, "its sidecar lists no host bundle of cp3")), l.skipped());
    assertEquals("cp3", l.hostBundles().get(0).host());
  }

  @Test
  void a_damaged_bundle_is_refused_and_the_sidecar_left_as_it_was() throws Exception {
    Path snapshot = SnapshotSets.write(dir, NAME, SnapshotSets.bytes(4, 100));
    Path b = bundleOf(dir.resolve(SnapshotStore.hostBundleName(NAME, "cp2")), "cp2");
    byte[] bytes = Files.readAllBytes(b);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(b, bytes);
    byte[] before = Files.readAllBytes(dir.resolve(NAME + ".json"));
    assertThrows(SnapshotIntegrityException.class, () -> HostBundles.attach(snapshot, List.of("cp2")));
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(NAME + ".json")));
    assertThrows(InputFileException.class, () -> HostBundles.attach(snapshot, List.of("cp9")), "no such bundle");
    assertThrows(InputFileException.class, () -> HostBundles.attach(snapshot, List.of("../cp2")));
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(NAME + ".json")));
  }

  @Test
  void a_sidecar_that_names_a_host_bundle_elsewhere_cannot_vouch_for_the_set() throws Exception {
    String sha = "0".repeat(64);
    String base = "{\"file\":\"" + NAME + "\",\"file_size\":1,\"sha256\":\"" + sha + "\",\"host_bundles\":[";
    assertEquals(Optional.empty(), SidecarFacts.parse((base + entry("cp2", SnapshotStore.hostBundleName(NAME, "cp2"))
        + "]}").getBytes()).problemFor(NAME));
    assertTrue(SidecarFacts.parse((base + entry("cp2", "../../etc/passwd") + "]}").getBytes()).problemFor(NAME)
        .orElseThrow().contains("not " + NAME + ".bundle.cp2.tar.gz"));
    assertTrue(SidecarFacts.parse((base + entry("../x", NAME + ".bundle.../x.tar.gz") + "]}").getBytes())
        .problemFor(NAME).orElseThrow().contains("not a host name"));
    String twice = entry("cp2", SnapshotStore.hostBundleName(NAME, "cp2"));
    assertTrue(SidecarFacts.parse((base + twice + "," + twice + "]}").getBytes()).problemFor(NAME).orElseThrow()
        .contains("twice"));
  }

  @Test
  void the_reader_reads_an_archive_gnu_tar_wrote_and_gnu_tar_lists_what_the_writer_wrote() throws Exception {
    Path tree = dir.resolve("tree/etc/kubernetes/pki/etcd");
    Files.createDirectories(tree);
    Files.write(tree.resolve("ca.crt"), SnapshotSets.bytes(5, 1500));
    Path gnu = dir.resolve("gnu.tar.gz");
    Proc.run(List.of("tar", "--format=ustar", "-czf", gnu.toString(), "-C", dir.resolve("tree").toString(), "etc"))
        .requireSuccess();
    List<TarGzReader.Entry> entries = TarGzReader.read(gnu);
    TarGzReader.Entry ca = entries.stream().filter(e -> e.name().equals("etc/kubernetes/pki/etcd/ca.crt"))
        .findFirst().orElseThrow();
    assertArrayEquals(SnapshotSets.bytes(5, 1500), ca.data());
    assertTrue(entries.stream().anyMatch(e -> e.directory() && e.name().equals("etc/kubernetes/pki")));

    Path ours = bundleOf(dir.resolve("ours.tar.gz"), "cp1");
    String listing = Proc.run(List.of("tar", "-tzf", ours.toString())).requireSuccess().stdout();
    assertTrue(listing.contains("/etc/kubernetes/pki/etcd/server.key\n"), listing);
  }

  /** A bundle of a small fake host tree, as BundleWriter writes it (absolute paths under this test's dir). */
  private Path bundleOf(Path target, String host) throws IOException {
    Path root = dir.resolve("hosts/" + host + "/etc/kubernetes");
    Files.createDirectories(root.resolve("pki/etcd"));
    Files.createDirectories(root.resolve("manifests"));
    Files.writeString(root.resolve("pki/etcd/server.key"), "key of " + host);
    Files.writeString(root.resolve("manifests/etcd.yaml"), "kind: Pod # " + host);
    BundleWriter.write(target, root.resolve("manifests"), root.resolve("pki"), false);
    return target;
  }

  private static String entry(String host, String file) {
    return "{\"host\":\"" + host + "\",\"file\":\"" + file + "\",\"size\":1,\"sha256\":\"" + "a".repeat(64) + "\"}";
  }
}
