package dev.etcddr.packing;

import static dev.etcddr.packing.PackFixtures.NAME;
import static dev.etcddr.packing.PackFixtures.ok;
import static dev.etcddr.packing.PackFixtures.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.snapshot.LatestPicker;
import dev.etcddr.snapshot.LatestSnapshot;
import dev.etcddr.snapshot.LocalStore;
import dev.etcddr.snapshot.StoredSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A packed set is a set like any other to stores: list, latest, copy and prune by its sidecar. */
class PackedStoreTest {
  @TempDir
  Path dir;

  @Test
  void list_latest_copy_and_prune_take_the_whole_packed_set() throws IOException {
    Path raw = PackFixtures.rawSet(dir.resolve("host"));
    PackFixtures.Key key = PackFixtures.key(dir, "k");
    ok("snapshot", "pack", raw.toString(), "--zstd", "--age-recipient", key.recipient());
    String packed = NAME + ".zst.age";
    try (LocalStore store = new LocalStore(dir.resolve("store"))) {
      store.upload(raw.resolveSibling(packed));
      assertEquals(List.of(packed, packed + ".bundle.cp1.tar.gz.age", packed + ".bundle.cp2.tar.gz.age",
          packed + ".bundle.tar.gz.age", packed + ".json"), tree(dir.resolve("store")));
      List<StoredSnapshot> listed = store.list();
      assertEquals(List.of(packed), listed.stream().map(StoredSnapshot::name).toList());
      assertEquals(1042, listed.get(0).revision());
      LatestSnapshot latest = LatestPicker.pick(store, java.util.Optional.of("cp2"));
      assertEquals(packed, latest.file());
      assertTrue(latest.skipped().isEmpty(), latest.skipped().toString());
      store.delete(packed);
      assertEquals(List.of(), tree(dir.resolve("store")));
    }
    // Beside its raw set, the packed one is a snapshot of its own; deleting it leaves the raw set whole.
    try (LocalStore host = new LocalStore(dir.resolve("host"))) {
      assertEquals(2, host.list().size());
      host.delete(packed);
      assertEquals(List.of(NAME, NAME + ".bundle.cp1.tar.gz", NAME + ".bundle.cp2.tar.gz", NAME + ".bundle.tar.gz",
          NAME + ".json"), tree(dir.resolve("host")).stream().filter(f -> f.startsWith("etcd-")).toList());
    }
    Files.delete(dir.resolve("k.key"));
  }
}
