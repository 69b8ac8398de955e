package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.testing.SyntheticSnapshot;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotScanPassesTest {
  @TempDir
  Path dir;

  @Test
  void a_scan_in_many_passes_counts_what_one_pass_counts() throws Exception {
    SyntheticSnapshot.Made made = SyntheticSnapshot.write(dir.resolve("s.db"), 150_000, 16, 7);
    try (BoltFile db = BoltFile.open(made.file())) {
      assertEquals(made.revisions(), db.entryCount("key").orElseThrow(), "the sizing hint is the revision count");
      Optional<KeyGroups> groups = Optional.of(new KeyGroups("/registry/"));
      SnapshotScan.Result one = SnapshotScan.scan(db, groups, 256L << 20);
      SnapshotScan.Result many = SnapshotScan.scan(db, groups, LiveKeyPlan.MIN_BUDGET);
      assertTrue(LiveKeyPlan.of(made.revisions(), true, LiveKeyPlan.MIN_BUDGET).passes() > 1);
      assertEquals(made.liveKeys(), one.liveKeys());
      assertEquals(one, many);
      assertEquals(made.liveKeys(), one.keyCounts().orElseThrow().values().stream().mapToLong(Long::longValue).sum());
      assertEquals(one.liveKeys(), SnapshotScan.scan(db, Optional.empty(), LiveKeyPlan.MIN_BUDGET).liveKeys());
    }
  }
}
