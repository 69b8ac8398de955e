package dev.etcddr.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.DataDirFixture;
import dev.etcddr.testing.Mounts;
import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal of {@code snapshot restore --in-place}: the right exit code, one line naming the culprit, no change. */
class InPlaceRefusalsTest {
  @TempDir
  Path tmp;

  private DataDirFixture host;

  @BeforeEach
  void setUp() throws IOException {
    host = new DataDirFixture(tmp);
  }

  private CliRun restore(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("snapshot", "restore", host.snapshot().toString(),
        "--manifest", host.manifest().toString(), "--in-place"));
    for (String[] byDefault : List.of(new String[] {"--restore-id", "r1"},
        new String[] {"--initial-cluster-token", "restore-r1"})) {
      if (!List.of(extra).contains(byDefault[0])) {
        args.addAll(List.of(byDefault));
      }
    }
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Runs the restore (and its dry run) on the host as it is now; both must fail alike and leave every byte. */
  private String refused(int exitCode, String... extra) throws IOException {
    TreeMap<String, String> before = host.listing();
    CliRun dry = restore(Stream.concat(Stream.of("--dry-run"), Stream.of(extra)).toArray(String[]::new));
    CliRun r = restore(extra);
    assertEquals(exitCode, r.exitCode(), r.toString());
    assertEquals(exitCode, dry.exitCode(), "the dry run refuses alike: " + dry);
    assertEquals(before, host.listing(), "nothing changed");
    if (exitCode == 2) {
      return r.err(); // picocli's usage error: the message, then the usage
    }
    String line = r.err().lines().findFirst().orElse("");
    assertTrue(line.startsWith("etcd-dr: "), r.toString());
    assertEquals(1, r.err().lines().filter(l -> !l.startsWith("Try '") && !l.startsWith("Usage")).limit(2).count(),
        "one line: " + r);
    return line;
  }

  private void manifestWith(String from, String to) throws IOException {
    String yaml = host.manifestYaml();
    assertTrue(yaml.contains(from), from);
    host.writeManifest(yaml.replace(from, to));
  }

  private static final String DATA_DIR_FLAG = "--data-dir=";

  @Test
  void refuses_a_manifest_with_wal_dir() throws IOException {
    manifestWith("    - --data-dir=", "    - --wal-dir=/srv/wal\n    - --data-dir=");
    String e = refused(3);
    assertTrue(e.contains("--wal-dir") && e.contains("refusing to restore in place"), e);
  }

  @Test
  void refuses_a_manifest_with_config_file_subpath_or_a_shared_volume() throws IOException {
    manifestWith("    - --data-dir=", "    - --config-file=/etc/etcd.conf\n    - --data-dir=");
    assertTrue(refused(3).contains("--config-file"));
    host.writeManifest(host.manifestYaml());
    manifestWith("      name: etcd-data\n    - mountPath", "      name: etcd-data\n      subPath: x\n    - mountPath");
    assertTrue(refused(3).contains("subPath"));
    host.writeManifest(host.manifestYaml());
    manifestWith("      name: etcd-data\n    - mountPath", "      name: etcd-data\n    - mountPath: /backup\n"
        + "      name: etcd-data\n    - mountPath");
    assertTrue(refused(3).contains("also mounted at /backup"));
  }

  @Test
  void refuses_data_off_a_hostpath() throws IOException {
    manifestWith("      name: etcd-data\n    - mountPath", "      name: etcd-scratch\n    - mountPath");
    assertTrue(refused(3).contains("on no volumeMount") || refused(3).contains("not a hostPath"));
  }

  @Test
  void refuses_an_existing_work_dir_of_unknown_origin() throws IOException {
    Files.createDirectory(host.work("r1"));
    String e = refused(7);
    assertTrue(e.contains(host.work("r1") + " already exists") && e.contains("--restore-id"), e);
  }

  @Test
  void refuses_a_work_dir_of_another_restore() throws IOException {
    assertEquals(0, restore("--initial-cluster-token", "other-token").exitCode());
    String e = refused(7);
    assertTrue(e.contains("from another restore"), e);
  }

  @Test
  void refuses_a_missing_or_odd_member_dir() throws IOException {
    Path member = host.dataDir().resolve("member");
    Files.move(member, host.root().resolve("elsewhere"));
    assertTrue(refused(12).contains(member + " does not exist"));
    Files.writeString(member, "not a dir");
    assertTrue(refused(12).contains(member + " is not a directory"));
    Files.delete(member);
    Files.createSymbolicLink(member, host.root().resolve("elsewhere"));
    assertTrue(refused(12).contains(member + " is a symbolic link"));
  }

  @Test
  void refuses_a_wal_outside_the_data_dir() throws IOException {
    Path wal = host.dataDir().resolve("member/wal");
    Files.move(wal, host.root().resolve("wal-disk"));
    Files.createSymbolicLink(wal, host.root().resolve("wal-disk"));
    String e = refused(12);
    assertTrue(e.contains(wal + " is a symbolic link") && e.contains("outside data dir"), e);
  }

  @Test
  void refuses_a_wal_on_its_own_mount() throws IOException {
    assumeTrue(Mounts.root(), "needs root to mount");
    Path wal = host.dataDir().resolve("member/wal");
    try (Mounts m = Mounts.tmpfs(wal, "size=1m")) {
      assertTrue(refused(12).contains(wal + " is a mount point"));
    }
  }

  @Test
  void refuses_too_little_free_space() throws IOException {
    String e = refused(7, "--space-factor", "1e15");
    assertTrue(e.contains("not enough free space") && e.contains(host.dataDir().toString()), e);
  }

  @Test
  void refuses_a_read_only_data_dir() throws IOException {
    assumeTrue(Mounts.root(), "needs root to mount");
    Path d = host.dataDir();
    Files.move(d, tmp.resolve("saved"));
    try (Mounts m = Mounts.tmpfs(d, "size=200m")) {
      Files.createDirectories(d.resolve("member/snap"));
      Files.writeString(d.resolve("member/snap/db"), DataDirFixture.ORIGINAL_DB);
      Proc.run(List.of("mount", "-o", "remount,ro", d.toString())).requireSuccess();
      String e = refused(7);
      assertTrue(e.contains(d + " is not writable"), e);
    }
  }

  @Test
  void refuses_a_damaged_snapshot_bad_flags_and_bad_ids() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(host.snapshot().toFile(), "rw")) {
      f.seek(5000);
      f.write(f.read() ^ 1);
    }
    assertTrue(refused(6).contains(host.snapshot().toString()));
    assertTrue(refused(9, "--space-factor", "0.5").contains("--space-factor"));
    assertTrue(refused(9, "--restore-id", "../x").contains("--restore-id '../x'"));
    assertTrue(refused(2, "--data-dir", tmp.resolve("x").toString()).contains("drop --data-dir"));
  }

  @Test
  void dry_run_says_what_it_would_do_and_writes_nothing() throws IOException {
    TreeMap<String, String> before = host.listing();
    CliRun r = restore("--dry-run", "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(before, host.listing());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("would_restore", j.get("status").asText());
    assertTrue(j.get("dry_run").asBoolean());
    assertEquals(host.dataDir().toString(), j.get("data_dir").asText());
    assertEquals(host.work("r1").resolve("original/member").toString(), j.get("kept").asText());
    assertEquals(3, j.get("steps").size());
    assertEquals(2 * Files.size(host.snapshot()) + 128_000_000, j.get("required_bytes").asLong());
    assertEquals(16, j.get("member_id").asText().length());
    assertTrue(j.get("revision_before").isNull());
  }
}
