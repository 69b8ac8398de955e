package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.EtcdDb;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.SnapshotFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our restore next to `etcdutl snapshot restore` 3.5.16 on the same snapshot and flags: the WAL and .snap files are
 * byte-identical (so member and cluster IDs are too), and the restored dbs have the same status hash, revision and
 * key count (our db is compact, so its size may differ). The same on each snapshot reshaped as etcd 3.6 leaves it.
 */
class RestoreMatchesEtcdutlIT {
  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  record Config(String label, String name, List<String> flags) {}

  static List<Config> configs() {
    String three = "m1=https://10.0.0.1:2380,m2=https://10.0.0.2:2380,m3=https://10.0.0.3:2380";
    List<Config> out = new ArrayList<>();
    out.add(new Config("default single member", "default", List.of()));
    for (int i = 1; i <= 3; i++) {
      out.add(new Config("3 members, m" + i, "m" + i, List.of("--name", "m" + i, "--initial-cluster", three,
          "--initial-cluster-token", "restore-20261127", "--initial-advertise-peer-urls",
          "https://10.0.0." + i + ":2380")));
    }
    out.add(new Config("member with two peer URLs", "a", List.of("--name", "a", "--initial-cluster",
        "a=https://10.0.0.1:2380,a=https://10.0.0.2:2380,b=https://10.0.0.3:2380", "--initial-cluster-token", "tkn",
        "--initial-advertise-peer-urls", "https://10.0.0.2:2380,https://10.0.0.1:2380")));
    out.add(new Config("3 members, bump 1000 + mark compacted", "m2", List.of("--name", "m2", "--initial-cluster",
        three, "--initial-cluster-token", "restore-b", "--initial-advertise-peer-urls", "https://10.0.0.2:2380",
        "--bump-revision", "1000", "--mark-compacted")));
    return out;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    var f35 = SnapshotFixtures.of(EtcdVersion.V3_5).snapshots();
    var f34 = SnapshotFixtures.of(EtcdVersion.V3_4).snapshots();
    Map<String, Path> snapshots = Map.of("3.5 one-key", f35.get("one-key"), "3.5 leases", f35.get("leases"),
        "3.5 10k-keys", f35.get("10k-keys"), "3.4 deletes-and-compaction", f34.get("deletes-and-compaction"),
        "3.5 empty", f35.get("empty"));
    for (Config c : configs()) {
      snapshots.forEach((label, path) -> out.add(Arguments.of(c.label() + " / " + label, c, path)));
    }
    // etcdutl 3.6.14 restores a 3.6 db to the same bytes as 3.5.16 (v3_snapshot.go saveDB, modifyLatestRevision,
    // saveWALAndSnap, updateCIndex change the same entries at both tags; only the .snap's v2 store indexes follow
    // Go map order in 3.6), so etcdutl 3.5.16 on the 3.6-shaped copy is the reference for 3.6 too.
    List<Config> for36 = configs().stream().filter(c -> c.label().equals("3 members, m1")
        || c.label().startsWith("3 members, bump")).toList();
    for (Config c : for36) {
      snapshots.forEach((label, path) -> out.add(Arguments.of(c.label() + " / as 3.6: " + label, c, as36(label,
          path))));
    }
    return out.stream();
  }

  /** The snapshot as an etcd 3.6 cluster would have left it: meta/storageVersion and cluster/clusterVersion 3.6.0. */
  private static Path as36(String label, Path snapshot) {
    try {
      Path file = SHAPED_36.resolve(label.replaceAll("[^A-Za-z0-9.-]", "_") + ".db");
      if (!Files.exists(file)) {
        EtcdDb.read(snapshot).meta("storageVersion", "3.6.0")
            .raw("cluster", EtcdDb.bytes("clusterVersion"), EtcdDb.bytes("3.6.0")).write(file);
      }
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final Path SHAPED_36 = tempDir();

  private static Path tempDir() {
    try {
      Path d = Files.createTempDirectory("etcd-dr-as36-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (Stream<Path> s = Files.walk(d)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
          // a temp dir
        }
      }));
      return d;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void same_raft_files_and_same_db_status_as_etcdutl(String label, Config c, Path snapshot) throws Exception {
    Path theirs = work.resolve("etcdutl");
    Path ours = work.resolve("ours");
    List<String> argv = new ArrayList<>(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot", "restore",
        snapshot.toString(), "--data-dir", theirs.toString()));
    argv.addAll(c.flags());
    Proc.run(argv).requireSuccess();
    List<String> mine = new ArrayList<>(List.of("snapshot", "restore", snapshot.toString(), "--data-dir",
        ours.toString(), "-o", "json"));
    mine.addAll(c.flags());
    CliRun r = CliRun.of(mine.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.toString());

    for (String sub : List.of("member/wal", "member/snap")) {
      List<String> names = list(theirs.resolve(sub));
      assertEquals(names, list(ours.resolve(sub)), label + ": files in " + sub);
      for (String n : names) {
        if (n.equals("db")) {
          continue;
        }
        assertArrayEquals(Files.readAllBytes(theirs.resolve(sub).resolve(n)),
            Files.readAllBytes(ours.resolve(sub).resolve(n)), label + ": " + sub + "/" + n);
      }
    }
    JsonNode a = status(theirs.resolve("member/snap/db"));
    JsonNode b = status(ours.resolve("member/snap/db"));
    assertEquals(a.get("hash"), b.get("hash"), label + ": status hash");
    assertEquals(a.get("revision"), b.get("revision"), label + ": revision");
    assertEquals(a.get("totalKey"), b.get("totalKey"), label + ": total keys");
    JsonNode result = json.readTree(r.out());
    assertEquals(b.get("revision").asLong(), result.get("revision_after").asLong());
  }

  private JsonNode status(Path db) throws Exception {
    return json.readTree(Proc.run(List.of(EtcdVersion.V3_5.bin("etcdutl").toString(), "snapshot", "status",
        db.toString(), "-w", "json")).requireSuccess().stdout());
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
