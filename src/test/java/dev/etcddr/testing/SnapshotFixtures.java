package dev.etcddr.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real snapshots of different shapes, taken with the release's own etcdctl from a real etcd the fixture starts:
 * empty, one key, values larger than a page, deletes and a compaction, leases, 10 000 keys; plus a raw
 * {@code member/snap/db} copy. Made once per release per test JVM; nothing is copied from elsewhere.
 */
public final class SnapshotFixtures {
  private static final Map<EtcdVersion, SnapshotFixtures> MADE = new ConcurrentHashMap<>();

  private final Map<String, Path> snapshots;
  private final Map<String, Long> liveKeys;
  private final Map<String, Long> unleasedKeys;
  private final Path rawDb;

  private SnapshotFixtures(Map<String, Path> snapshots, Map<String, Long> liveKeys, Map<String, Long> unleasedKeys,
      Path rawDb) {
    this.unleasedKeys = unleasedKeys;
    this.snapshots = snapshots;
    this.liveKeys = liveKeys;
    this.rawDb = rawDb;
  }

  /** Shape name → how many keys the server counted when the snapshot was taken (what etcdutl 3.6 reports). */
  public Map<String, Long> liveKeys() {
    return liveKeys;
  }

  /** Live keys on no lease when each snapshot was taken, as etcdctl get -w json showed their lease field. */
  public Map<String, Long> unleasedKeys() {
    return unleasedKeys;
  }

  public static synchronized SnapshotFixtures of(EtcdVersion version) {
    return MADE.computeIfAbsent(version, v -> {
      try {
        Path dir = Files.createTempDirectory("etcd-dr-fixtures-" + v.version + "-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        return make(v, dir);
      } catch (IOException e) {
        throw new AssertionError("cannot make snapshot fixtures for " + v + ": " + e.getMessage(), e);
      }
    });
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit
    }
  }

  /** Shape name → saved snapshot (with SHA-256 trailer), in the order they were taken. */
  public Map<String, Path> snapshots() {
    return snapshots;
  }

  /** A raw bbolt db copied from a stopped member's data dir: no trailer. */
  public Path rawDb() {
    return rawDb;
  }

  private static SnapshotFixtures make(EtcdVersion version, Path dir) throws IOException {
    Map<String, Path> shots = new LinkedHashMap<>();
    Map<String, Long> live = new LinkedHashMap<>();
    Map<String, Long> unleased = new LinkedHashMap<>();
    try (EtcdCluster cluster = EtcdCluster.start(version, dir.resolve("cluster"), 1)) {
      EtcdCluster.Member m = cluster.member(0);
      save(cluster, m, dir, live, unleased, "empty", shots);
      cluster.etcdctl(m, "put", "/registry/namespaces/default", "{\"kind\":\"Namespace\"}").requireSuccess();
      save(cluster, m, dir, live, unleased, "one-key", shots);
      for (int i = 0; i < 3; i++) {
        // 50 000-byte values: each needs a run of overflow pages.
        Proc.Result r = Proc.run(List.of("bash", "-c", "head -c 50000 /dev/zero | tr '\\0' 'x' | ETCDCTL_API=3 "
            + String.join(" ", etcdctlArgs(cluster, m)) + " put /registry/configmaps/big/cm-" + i));
        r.requireSuccess();
      }
      save(cluster, m, dir, live, unleased, "overflow-values", shots);
      for (int i = 0; i < 20; i++) {
        cluster.etcdctl(m, "put", "/registry/pods/default/p-" + i, "v" + i).requireSuccess();
      }
      for (int i = 0; i < 10; i++) {
        cluster.etcdctl(m, "del", "/registry/pods/default/p-" + i).requireSuccess();
      }
      long rev = cluster.revision(m);
      cluster.etcdctl(m, "compaction", String.valueOf(rev - 5)).requireSuccess();
      save(cluster, m, dir, live, unleased, "deletes-and-compaction", shots);
      String lease = cluster.etcdctl(m, "lease", "grant", "600").requireSuccess().stdout().split("\\s+")[1];
      cluster.etcdctl(m, "put", "--lease=" + lease, "/registry/leases/kube-node-lease/n1", "x").requireSuccess();
      save(cluster, m, dir, live, unleased, "leases", shots);
      Path pki = cluster.pki().pkiDir(m.name());
      Proc.run(List.of("/usr/bin/python3", Repo.root().resolve("lab/lib/seed.py").toString(), "--endpoints",
          m.clientUrl(), "--cacert", pki.resolve("etcd/ca.crt").toString(), "--cert",
          pki.resolve("apiserver-etcd-client.crt").toString(), "--key",
          pki.resolve("apiserver-etcd-client.key").toString(), "--count", "10000", "--prefix-seed", "fixture"))
          .requireSuccess();
      save(cluster, m, dir, live, unleased, "10k-keys", shots);
      cluster.stopMember(m);
      Path raw = dir.resolve("raw-member-snap.db");
      Files.copy(m.dataDir().resolve("member/snap/db"), raw);
      live.put("raw-db", live.get("10k-keys"));
      unleased.put("raw-db", unleased.get("10k-keys"));
      return new SnapshotFixtures(shots, live, unleased, raw);
    }
  }

  private static List<String> etcdctlArgs(EtcdCluster cluster, EtcdCluster.Member m) {
    Path etcdPki = cluster.pki().pkiDir(m.name()).resolve("etcd");
    return new ArrayList<>(List.of(cluster.version().bin("etcdctl").toString(), "--endpoints=" + m.clientUrl(),
        "--cacert=" + etcdPki.resolve("ca.crt"), "--cert=" + etcdPki.resolve("healthcheck-client.crt"),
        "--key=" + etcdPki.resolve("healthcheck-client.key")));
  }

  private static void save(EtcdCluster cluster, EtcdCluster.Member m, Path dir, Map<String, Long> live,
      Map<String, Long> unleased, String name, Map<String, Path> shots) {
    String count = cluster.etcdctl(m, "get", "", "--prefix", "--count-only", "-w", "fields").requireSuccess().stdout();
    var matcher = java.util.regex.Pattern.compile("\"Count\" : (\\d+)").matcher(count);
    live.put(name, matcher.find() ? Long.parseLong(matcher.group(1)) : 0L);
    // "Lease" : N per key in the fields form; keys on no lease print 0.
    String fields = cluster.etcdctl(m, "get", "", "--prefix", "--keys-only", "-w", "fields").requireSuccess()
        .stdout();
    var leases = java.util.regex.Pattern.compile("\"Lease\" : (\\d+)").matcher(fields);
    long none = 0;
    while (leases.find()) {
      none += leases.group(1).equals("0") ? 1 : 0;
    }
    unleased.put(name, none);
    Path file = dir.resolve(name + ".db");
    List<String> argv = etcdctlArgs(cluster, m);
    argv.addAll(List.of("snapshot", "save", file.toString()));
    Proc.run(argv, Map.of("ETCDCTL_API", "3"), null, 120).requireSuccess();
    shots.put(name, file);
  }
}
