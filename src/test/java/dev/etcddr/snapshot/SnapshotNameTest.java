package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotNameTest {
  @Test
  void formats_and_parses_back() {
    SnapshotName n = new SnapshotName(0xa1b2c3d4e5f60718L, Instant.parse("2026-11-27T16:04:03Z"), 1042, "cp-1.lab");
    assertEquals("etcd-a1b2c3d4e5f60718-20261127T160403Z-r1042-cp-1.lab.db", n.fileName());
    assertEquals(Optional.of(n), SnapshotName.parse(n.fileName()));
  }

  @Test
  void cluster_ids_with_the_top_bit_set_round_trip() {
    SnapshotName n = new SnapshotName(0xfedcba9876543210L, Instant.parse("2026-01-01T00:00:00Z"), 1, "m");
    assertEquals(Optional.of(n), SnapshotName.parse(n.fileName()));
  }

  @Test
  void names_of_one_cluster_sort_by_time_as_strings() {
    List<SnapshotName> byTime = new ArrayList<>();
    Instant t = Instant.parse("2026-01-01T09:59:59Z");
    // Revisions that would mis-sort as strings (9 > 10) must not matter: time comes first.
    long[] revisions = {9, 10, 100, 2};
    for (long r : revisions) {
      byTime.add(new SnapshotName(42, t, r, "cp1"));
      t = t.plusSeconds(3601);
    }
    List<String> names = new ArrayList<>(byTime.stream().map(SnapshotName::fileName).toList());
    names.sort(Comparator.naturalOrder());
    assertEquals(byTime.stream().map(SnapshotName::fileName).toList(), names);
  }

  @Test
  void unsafe_member_names_become_safe_file_names() {
    String name = new SnapshotName(1, Instant.EPOCH, 1, "../../etc/x y").fileName();
    assertTrue(!name.contains("/") && !name.contains(" "), name);
    assertTrue(SnapshotName.parse(name).isPresent(), name);
  }

  @Test
  void other_files_do_not_parse() {
    for (String s : List.of("etcd.db", "etcd-xyz-20261127T160403Z-r1-cp1.db", "etcd-a1b2c3d4e5f60718-20261127T160403Z"
        + "-r1-cp1.db.part", "etcd-a1b2c3d4e5f60718-20261399T160403Z-r1-cp1.db")) {
      assertEquals(Optional.empty(), SnapshotName.parse(s), s);
    }
  }

  @Test
  void packed_names_parse_to_the_same_snapshot_and_their_bundles_do_not() {
    SnapshotName n = new SnapshotName(0xa1b2c3d4e5f60718L, Instant.parse("2026-11-27T16:04:03Z"), 1042, "cp-1.lab");
    for (String suffix : List.of(".zst", ".age", ".zst.age")) {
      assertEquals(Optional.of(n), SnapshotName.parse(n.fileName() + suffix), suffix);
      String packed = n.fileName() + suffix;
      for (String other : List.of(SnapshotStore.bundleName(packed), SnapshotStore.hostBundleName(packed, "cp1"),
          packed + ".json", packed + ".part")) {
        assertEquals(Optional.empty(), SnapshotName.parse(other), other);
      }
    }
    assertEquals(Optional.empty(), SnapshotName.parse(n.fileName() + ".age.zst"), "encrypted, then compressed");
    assertEquals(n.fileName() + ".zst.age.bundle.tar.gz.age", SnapshotStore.bundleName(n.fileName() + ".zst.age"));
    assertEquals(n.fileName() + ".zst.bundle.cp1.tar.gz", SnapshotStore.hostBundleName(n.fileName() + ".zst", "cp1"));
  }
}
