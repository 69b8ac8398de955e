package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.SnapshotFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal is a clear error with its own exit code, and nothing is written anywhere. */
class RestoreRefusalsIT {
  @TempDir
  Path work;

  Path snapshot;
  Path target;

  @BeforeEach
  void setUp() {
    snapshot = SnapshotFixtures.of(EtcdVersion.V3_5).snapshots().get("leases");
    target = work.resolve("data");
  }

  private void refused(int code, String message, String... flags) throws Exception {
    String[] args = Stream.concat(Stream.of("snapshot", "restore", snapshot.toString(), "--data-dir",
        target.toString()), Stream.of(flags)).toArray(String[]::new);
    CliRun r = CliRun.of(args);
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    try (Stream<Path> s = Files.list(work)) {
      List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("data")
          && !n.startsWith("input")).toList();
      assertEquals(List.of(), left, "nothing written next to the data dir");
    }
    if (Files.exists(target)) {
      try (Stream<Path> s = Files.list(target)) {
        assertTrue(s.allMatch(p -> p.getFileName().toString().equals("keep")), "target untouched");
      }
    }
  }

  @Test
  void a_non_empty_target_is_refused_and_kept() throws Exception {
    Files.createDirectories(target);
    Files.writeString(target.resolve("keep"), "old data");
    refused(7, "is not empty; restore never writes over a data dir");
    assertEquals("old data", Files.readString(target.resolve("keep")));
  }

  @Test
  void a_bad_hash_is_refused_before_anything_is_written() throws Exception {
    byte[] b = Files.readAllBytes(snapshot);
    b[b.length / 2] ^= 1;
    snapshot = work.resolve("input-bad.db");
    Files.write(snapshot, b);
    refused(6, "but the data hashes to");
  }

  @Test
  void a_raw_db_needs_skip_hash_check() throws Exception {
    snapshot = SnapshotFixtures.of(EtcdVersion.V3_5).rawDb();
    refused(6, "no SHA-256 trailer");
    CliRun ok = CliRun.of("snapshot", "restore", snapshot.toString(), "--data-dir", target.toString(),
        "--skip-hash-check");
    assertEquals(0, ok.exitCode(), ok.toString());
  }

  @Test
  void flags_that_do_not_describe_the_cluster_are_refused() throws Exception {
    String cluster = "m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380";
    refused(9, "--name 'm3' is not in --initial-cluster", "--name", "m3", "--initial-cluster", cluster,
        "--initial-advertise-peer-urls", "https://10.0.0.1:2380");
    refused(9, "do not match member 'm1'", "--name", "m1", "--initial-cluster", cluster,
        "--initial-advertise-peer-urls", "https://10.0.0.9:2380");
    refused(9, "--initial-cluster entry 'm1=https://10.0.0.1': URL 'https://10.0.0.1': no port", "--name", "m1",
        "--initial-cluster", "m1=https://10.0.0.1",
        "--initial-advertise-peer-urls", "https://10.0.0.1");
    refused(9, "must be scheme://host:port with no path", "--name", "m1", "--initial-cluster",
        "m1=https://10.0.0.1:2380/x", "--initial-advertise-peer-urls", "https://10.0.0.1:2380/x");
    refused(9, "must start with http://", "--name", "m1", "--initial-cluster", "m1=ftp://10.0.0.1:2380",
        "--initial-advertise-peer-urls", "ftp://10.0.0.1:2380");
    refused(9, "is not name=peerURL", "--name", "m1", "--initial-cluster", "m1=https://10.0.0.1:2380,garbage",
        "--initial-advertise-peer-urls", "https://10.0.0.1:2380");
    refused(9, "duplicate URL https://10.0.0.1:2380", "--name", "m1", "--initial-cluster",
        "m1=https://10.0.0.1:2380,m2=https://10.0.0.1:2380", "--initial-advertise-peer-urls",
        "https://10.0.0.1:2380");
    refused(9, "--mark-compacted required", "--bump-revision", "100");
    refused(9, "--mark-compacted needs --bump-revision", "--mark-compacted");
    refused(9, "--initial-cluster-token is empty", "--initial-cluster-token", "");
  }

  @Test
  void a_damaged_db_found_while_copying_leaves_nothing_behind() throws Exception {
    byte[] b = Files.readAllBytes(SnapshotFixtures.of(EtcdVersion.V3_5).rawDb());
    var le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int p = 2; p < b.length / 4096; p++) {
      if (le.getShort(p * 4096 + 8) == 0x01 && le.getLong(p * 4096) == p) {
        le.putLong(p * 4096 + 16 + 8, p); // a branch whose first child is itself
        break;
      }
    }
    snapshot = work.resolve("input-damaged.db");
    Files.write(snapshot, b);
    refused(6, "the db is damaged, refusing to restore it", "--skip-hash-check");
  }

  @Test
  void a_missing_snapshot_exits_8() throws Exception {
    snapshot = work.resolve("input-missing.db");
    refused(8, "no such file");
  }
}
