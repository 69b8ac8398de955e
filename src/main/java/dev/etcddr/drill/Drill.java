package dev.etcddr.drill;

import dev.etcddr.EtcdDrException;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.etcd.HashKv;
import dev.etcddr.etcd.MemberStatus;
import dev.etcddr.packing.Unpacked;
import dev.etcddr.restore.RestoreConfig;
import dev.etcddr.restore.Restorer;
import dev.etcddr.snapshot.KeyGroups;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.SnapshotFiles;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import dev.etcddr.snapshot.SnapshotStatus;
import dev.etcddr.snapshot.SnapshotVerifier;
import dev.etcddr.snapshot.StatusReport;
import dev.etcddr.snapshot.VerifyReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code snapshot drill}: proves a snapshot restores, without touching any cluster. It is verified, restored as a
 * one-member cluster of a fresh token into a private scratch dir, served by a throwaway etcd on loopback ports,
 * and what that etcd answers (revision, keys per group, HashKV) is compared with the file and its sidecar. The
 * etcd process and the scratch dir are gone afterwards whatever happened (finally, and a shutdown hook for Ctrl-C).
 * A failed check is a report, not an exception; only what stops the drill from starting at all is thrown: no
 * etcd binary, or one older than the snapshot needs (refused once the file has checked out, before the scratch dir
 * exists).
 */
public final class Drill {
  static final String MEMBER = "drill";

  private final Clock clock;

  public Drill(Clock clock) {
    this.clock = clock;
  }

  /** What the steps learned, filled in as they go; the report is made from it once, at the end. */
  private static final class Findings {
    final List<DrillReport.Check> checks = new ArrayList<>();
    Sidecar sidecar;
    SnapshotEtcdVersion needs;
    Long revision;
    Long expectedRevision;
    Map<String, Long> keyCounts;
    Map<String, Long> expectedKeyCounts;
    Long hashKv;

    void skipRest(String why, String... names) {
      for (String n : names) {
        checks.add(DrillReport.Check.skip(n, why));
      }
    }
  }

  public DrillReport run(DrillRequest request) {
    long started = System.nanoTime();
    Path file = request.snapshot();
    SnapshotFiles.requireReadable(file);
    EtcdBinary etcd = EtcdBinary.find(request.etcd(), request.env());
    Path workDir = request.workDir().toAbsolutePath();
    if (!Files.isDirectory(workDir) || !Files.isWritable(workDir)) {
      throw new OutputRefusedException("work dir " + workDir + " is not a writable directory (--work-dir)");
    }
    Findings f = new Findings();
    Unpacked raw = unpack(file, request, workDir, f);
    if (raw == null) {
      f.skipRest("the snapshot does not unpack", "verify", "sidecar", "restore", "etcd_start", "revision",
          "key_counts", "hash_kv", "cleanup");
    } else {
      try (raw) {
        if (checkFile(raw.path(), file, request, f)) {
          if (f.needs != null) {
            etcd.requireAtLeast(f.needs, file);
          }
          restoreAndServe(raw.path(), etcd, workDir, request, f);
        } else {
          f.skipRest("the snapshot failed verification", "restore", "etcd_start", "revision", "key_counts",
              "hash_kv", "cleanup");
        }
      }
    }
    boolean ok = f.checks.stream().noneMatch(c -> c.result().equals("fail"));
    double seconds = Math.round((System.nanoTime() - started) / 1e7) / 100.0;
    return new DrillReport(ok, file.toString(), f.sidecar == null ? null : f.sidecar.path().toString(),
        etcd.path().toString(), etcd.version(), f.needs == null ? null : f.needs.version(),
        f.needs == null ? null : f.needs.source(), f.revision, f.expectedRevision, f.keyCounts, f.expectedKeyCounts,
        f.hashKv, f.sidecar == null ? null : f.sidecar.hashKv(), List.copyOf(f.checks), seconds);
  }

  /**
   * A packed snapshot unpacked into the work dir, with a check "unpack" (only for a packed one); null when it is
   * damaged (the check failed). A key that does not open it stops the drill, as a missing etcd does.
   */
  private static Unpacked unpack(Path file, DrillRequest request, Path workDir, Findings f) {
    Unpacked raw;
    try {
      raw = Unpacked.open(file, request.ageIdentity(), workDir);
    } catch (SnapshotIntegrityException e) {
      f.checks.add(DrillReport.Check.fail("unpack", e.getMessage()));
      return null;
    }
    raw.summary().ifPresent(s -> f.checks.add(DrillReport.Check.pass("unpack", s)));
    return raw;
  }

  /** verify and sidecar; false when the file is not worth restoring. {@code given} is the file as named. */
  private static boolean checkFile(Path file, Path given, DrillRequest request, Findings f) {
    VerifyReport verify = new SnapshotVerifier().verify(file, false);
    List<String> failed = verify.checks().stream().filter(c -> c.result().equals("fail"))
        .map(c -> c.name() + ": " + c.detail()).toList();
    f.checks.add(verify.ok() ? DrillReport.Check.pass("verify", "every `snapshot verify` check passed")
        : DrillReport.Check.fail("verify", String.join("; ", failed)));
    try {
      f.sidecar = Sidecar.beside(given);
    } catch (IOException e) {
      f.checks.add(DrillReport.Check.fail("sidecar", "unreadable sidecar: " + e.getMessage()));
      return false;
    }
    if (!verify.ok()) {
      f.checks.add(DrillReport.Check.skip("sidecar", "the snapshot failed verification"));
      return false;
    }
    StatusReport status = new SnapshotStatus().status(file, Optional.of(request.countKeysPrefix()));
    f.needs = SnapshotEtcdVersion.of(status.versions(), f.sidecar).orElse(null);
    f.expectedRevision = status.revision();
    f.expectedKeyCounts = status.keyCounts().map(TreeMap::new).orElseGet(TreeMap::new);
    if (f.sidecar == null) {
      f.checks.add(DrillReport.Check.skip("sidecar", "no " + given.getFileName() + ".json beside the snapshot"));
      return true;
    }
    String sha = sha256(file);
    List<String> wrong = new ArrayList<>();
    if (f.sidecar.dbSha256() != null && !f.sidecar.dbSha256().equalsIgnoreCase(sha)) {
      wrong.add("sha256 " + sha + " but the sidecar says " + f.sidecar.dbSha256());
    }
    if (f.sidecar.revision() != null && f.sidecar.revision() != status.revision()) {
      wrong.add("revision " + status.revision() + " but the sidecar says " + f.sidecar.revision());
    }
    f.checks.add(wrong.isEmpty() ? DrillReport.Check.pass("sidecar", "sha256 and revision match "
        + f.sidecar.path().getFileName()) : DrillReport.Check.fail("sidecar", String.join("; ", wrong)));
    return wrong.isEmpty();
  }

  private void restoreAndServe(Path file, EtcdBinary etcd, Path workDir, DrillRequest request, Findings f) {
    Path scratch;
    try {
      // A private, unpredictable directory: the restored db holds every Secret of the cluster.
      scratch = Files.createTempDirectory(workDir, "etcd-dr-drill-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new OutputRefusedException("cannot create a scratch dir in " + workDir + ": " + e.getMessage(), e);
    }
    ThrowawayEtcd[] running = new ThrowawayEtcd[1];
    Thread hook = new Thread(() -> {
      if (running[0] != null) {
        running[0].close();
      }
      deleteTree(scratch);
    }, "etcd-dr-drill-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      int clientPort = ThrowawayEtcd.freePort();
      int peerPort = ThrowawayEtcd.freePort();
      String peer = "http://127.0.0.1:" + peerPort;
      Path dataDir = scratch.resolve("data");
      try {
        // A fresh token: the drill member's IDs are nobody else's, so it could never be mistaken for a real one.
        String token = "etcd-dr-drill-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));
        new Restorer().restore(new RestoreConfig(file, MEMBER, MEMBER + "=" + peer, token, List.of(peer), dataDir,
            false, 0, false));
        f.checks.add(DrillReport.Check.pass("restore", "one-member data dir built in " + scratch));
      } catch (EtcdDrException e) {
        f.checks.add(DrillReport.Check.fail("restore", e.getMessage()));
        f.skipRest("the restore failed", "etcd_start", "revision", "key_counts", "hash_kv");
        return;
      }
      running[0] = ThrowawayEtcd.start(etcd, MEMBER, dataDir, clientPort, peerPort, scratch.resolve("etcd.log"));
      serve(running[0], request, f);
    } catch (IOException e) {
      f.checks.add(DrillReport.Check.fail("etcd_start", "cannot start " + etcd.path() + ": " + e.getMessage()));
      f.skipRest("etcd did not start", "revision", "key_counts", "hash_kv");
    } finally {
      boolean stopped = true;
      if (running[0] != null) {
        running[0].close();
        stopped = !running[0].alive();
      }
      deleteTree(scratch);
      boolean removed = !Files.exists(scratch);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook does the same and does no harm
      }
      f.checks.add(stopped && removed ? DrillReport.Check.pass("cleanup", (running[0] == null ? "no etcd started"
          : "etcd (pid " + running[0].pid() + ") stopped") + ", " + scratch + " removed")
          : DrillReport.Check.fail("cleanup", (stopped ? "" : "etcd pid " + running[0].pid() + " still running; ")
              + (removed ? "" : scratch + " could not be removed: delete it by hand (it holds Secrets)")));
    }
  }

  /** etcd_start, revision, key_counts, hash_kv against a started process. */
  private void serve(ThrowawayEtcd etcd, DrillRequest request, Findings f) {
    long deadline = System.nanoTime() + request.timeout().toNanos();
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      EtcdEndpoint client = awaitLeader(etcd, connector, request, deadline, f);
      if (client == null) {
        f.skipRest("etcd did not come up", "revision", "key_counts", "hash_kv");
        return;
      }
      try (client) {
        compare(client, request, f);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.checks.add(DrillReport.Check.fail("etcd_start", "interrupted"));
    }
  }

  /** Until the member answers status with itself as leader (reads need one), or the deadline. */
  private static EtcdEndpoint awaitLeader(ThrowawayEtcd etcd, EtcdConnector connector, DrillRequest request,
      long deadline, Findings f) throws InterruptedException {
    String last = "";
    if (etcd.awaitPort(deadline)) {
      while (System.nanoTime() < deadline && etcd.alive()) {
        EtcdEndpoint client = null;
        try {
          client = connector.openPlain(etcd.clientUrl(), request.timeout());
          MemberStatus s = client.status();
          if (s.isLeader()) {
            f.revision = s.revision();
            f.checks.add(DrillReport.Check.pass("etcd_start", "etcd " + s.version() + " (pid " + etcd.pid()
                + ") serving at " + etcd.clientUrl()));
            return client;
          }
          last = "no leader yet";
        } catch (EtcdDrException e) {
          last = e.getMessage();
        }
        if (client != null) {
          client.close();
        }
        Thread.sleep(200);
      }
    }
    f.checks.add(DrillReport.Check.fail("etcd_start", "etcd (pid " + etcd.pid() + ") did not answer at "
        + etcd.clientUrl() + " within " + request.timeout().toSeconds() + "s (" + etcd.exitDescription()
        + (last.isEmpty() ? "" : "; " + last) + "); its log ends:\n" + etcd.logTail()));
    return null;
  }

  private static void compare(EtcdEndpoint client, DrillRequest request, Findings f) {
    long rev = f.expectedRevision;
    f.checks.add(Objects.equals(f.revision, f.expectedRevision)
        ? DrillReport.Check.pass("revision", "revision " + rev + " as in the snapshot")
        : DrillReport.Check.fail("revision", "the restored member is at revision " + f.revision
            + ", the snapshot at " + rev));
    KeyGroups groups = new KeyGroups(request.countKeysPrefix());
    try {
      Map<String, Long> counts = new TreeMap<>();
      client.forEachKey(groups.prefixBytes(), 10_000, rev, key -> {
        String g = groups.groupOf(key);
        if (g != null) {
          counts.merge(g, 1L, Long::sum);
        }
      });
      f.keyCounts = counts;
      List<String> wrong = new ArrayList<>();
      if (!counts.equals(f.expectedKeyCounts)) {
        wrong.add("served " + counts + " but the file holds " + f.expectedKeyCounts);
      }
      Map<String, Long> recorded = f.sidecar == null ? null : f.sidecar.keyCounts();
      if (recorded != null && !counts.equals(recorded)) {
        wrong.add("the sidecar says " + recorded);
      }
      long total = counts.values().stream().mapToLong(Long::longValue).sum();
      f.checks.add(wrong.isEmpty() ? DrillReport.Check.pass("key_counts", total + " keys in " + counts.size()
          + " groups under " + groups.prefix() + " as in the file" + (recorded != null ? " and the sidecar" : ""))
          : DrillReport.Check.fail("key_counts", String.join("; ", wrong)));
    } catch (EtcdDrException e) {
      f.checks.add(DrillReport.Check.fail("key_counts", "counting keys failed: " + e.getMessage()));
    }
    hashKv(client, rev, f);
  }

  private static void hashKv(EtcdEndpoint client, long rev, Findings f) {
    try {
      HashKv h = client.hashKv(rev);
      f.hashKv = h.hash();
      Sidecar s = f.sidecar;
      if (s == null || s.hashKv() == null) {
        f.checks.add(DrillReport.Check.skip("hash_kv", "the sidecar records no hash_kv (older etcd-dr, or the"
            + " source could not answer); restored member's hash " + h.hash()));
      } else if (s.hashKvCompactRevision() != null && s.hashKvCompactRevision() != h.compactRevision()) {
        // HashKV covers what compaction kept; the source compacted between its snapshot and its hash.
        f.checks.add(DrillReport.Check.skip("hash_kv", "not comparable: the source hashed at compacted revision "
            + s.hashKvCompactRevision() + ", the snapshot is compacted at " + h.compactRevision()));
      } else {
        f.checks.add(h.hash() == s.hashKv()
            ? DrillReport.Check.pass("hash_kv", "hash " + h.hash() + " at revision " + rev + " as the source's")
            : DrillReport.Check.fail("hash_kv", "hash " + h.hash() + " at revision " + rev + " but the source"
                + " member's was " + s.hashKv()));
      }
    } catch (EtcdDrException e) {
      f.checks.add(DrillReport.Check.fail("hash_kv", "hashkv at revision " + rev + " failed: " + e.getMessage()));
    }
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // reported by the cleanup check, which looks for the dir afterwards
    }
  }
}
