package dev.etcddr.cli;

import dev.etcddr.drill.Drill;
import dev.etcddr.drill.DrillReport;
import dev.etcddr.drill.DrillRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Prove a snapshot restores, without touching any cluster: verify it, restore it as a one-member cluster"
          + " (new token) into a private scratch dir, start a throwaway etcd on free 127.0.0.1 ports (plain http,"
          + " nothing else listens), and compare what it serves with the file and its sidecar FILE.json:",
      "  verify      every `snapshot verify` check",
      "  sidecar     the sidecar's sha256 and revision match the file (skip: no sidecar)",
      "  restore     the data dir is built",
      "  etcd_start  etcd answers as leader within --timeout (the end of its log when it does not)",
      "  revision    the member's revision is the snapshot's",
      "  key_counts  live keys per group under --count-keys, at that revision, equal the file's (and the"
          + " sidecar's when it has them)",
      "  hash_kv     HashKV at that revision equals the source member's, recorded by `snapshot save` (skip: an"
          + " older sidecar)",
      "  cleanup     etcd stopped (SIGTERM, SIGKILL after 10s; only the process started here) and the scratch dir"
          + " removed; done in every case, also on Ctrl-C",
      "The etcd binary: --etcd, else $ETCD_DR_ETCD, else `etcd` on PATH (exit 11 when there is none). It must be"
          + " at least as new (major.minor) as the snapshot: the greater of the db's meta/storageVersion (etcd 3.6+)"
          + " and cluster/clusterVersion and the sidecar's etcd_version. An older one is refused before"
          + " anything is restored or started (exit 11; the message names both versions); a newer one is fine.",
      "A packed FILE (zstd, age; encrypted ones need --age-identity) is unpacked into --work-dir first and gets"
          + " a first check, unpack: both forms match the sidecar (sha256, raw_sha256); removed with the scratch dir.",
      "The report is printed whether or not the drill passed (with -o json: exactly one JSON document); exit 0"
          + " when no check failed, 6 otherwise.",
      "",
      "-o json fields (stable): ok, snapshot, sidecar, etcd_binary, etcd_version, snapshot_etcd_version"
          + " (major.minor the binary was checked against, null when the snapshot records none),"
          + " snapshot_etcd_version_source"
          + " (storage_version|cluster_version|sidecar), revision, expected_revision, key_counts,"
          + " expected_key_counts, hash_kv, expected_hash_kv, checks[] {name, result: pass|fail|skip, detail},"
          + " seconds.",
      "",
      "Examples:",
      "  etcd-dr snapshot drill /srv/etcd-backups/etcd-…-r1042-cp1.db",
      "  etcd-dr snapshot drill etcd.db --etcd /opt/etcd-v3.5.16/etcd --count-keys /registry/ -o json"
    })
public final class SnapshotDrillCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot to drill (its sidecar FILE.json is read if present).")
  Path file;

  @Option(names = "--etcd", paramLabel = "PATH",
      description = "The etcd binary to run (default: $ETCD_DR_ETCD, else `etcd` on PATH).")
  Path etcd;

  @Option(names = "--count-keys", paramLabel = "PREFIX", defaultValue = "/registry/",
      description = "Compare live keys per group under PREFIX (default: ${DEFAULT-VALUE}).")
  String countKeys;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long etcd may take to come up, and each request to it (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where the private scratch dir (0700) is made; it needs room for the restored db"
          + " (default: java.io.tmpdir).")
  Path workDir;

  @Mixin
  AgeIdentityOption ageIdentity;

  @Mixin
  OutputOption output;

  public SnapshotDrillCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path work = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
    DrillReport report = new Drill(context.clock()).run(new DrillRequest(file, Optional.ofNullable(etcd),
        System.getenv(), countKeys, timeout, work, ageIdentity.get()));
    print(report);
    if (!report.ok()) {
      // The report is already out; an exception now would add a second JSON document to stdout.
      spec.commandLine().getErr().println("etcd-dr: error: drill of " + file + " FAILED: " + report.checks()
          .stream().filter(c -> c.result().equals("fail")).map(DrillReport.Check::name).toList());
      spec.commandLine().getErr().flush();
      return ExitCodes.SNAPSHOT_INTEGRITY;
    }
    return ExitCodes.OK;
  }

  private void print(DrillReport r) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, r);
    } else {
      for (DrillReport.Check c : r.checks()) {
        out.printf("%-7s %-11s %s%n", c.result().toUpperCase(Locale.ROOT), c.name(), c.detail());
      }
      out.printf("%s %s with etcd %s (%s%s) in %.2fs%n", r.ok() ? "drill passed:" : "drill FAILED:", r.snapshot(),
          r.etcdVersion(), r.etcdBinary(), r.snapshotEtcdVersion() == null ? "" : "; the snapshot needs "
              + r.snapshotEtcdVersion() + " by its " + r.snapshotEtcdVersionSource().replace('_', ' '),
          r.seconds());
    }
    out.flush();
  }
}
