package dev.etcddr.cli;

import dev.etcddr.packing.PackedSnapshots;
import dev.etcddr.snapshot.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Everything that can be known about a snapshot without starting etcd. Exit 0 only if every check passes:",
      "  unpack            a packed FILE (zstd, age) unpacks, and both forms match its sidecar (only for one)",
      "  sha256_trailer    the last 32 bytes are the SHA-256 of the rest (--skip-hash-check for raw db copies)",
      "  bbolt_meta        both meta pages: magic, version, checksum, page size",
      "  bbolt_structure   every page reachable once or free, ids, types, keys in order, nothing past the end",
      "  etcd_buckets      the buckets etcd needs (key, meta) exist",
      "  revision_keys     every key of bucket 'key' is a well-formed revision",
      "  consistent_index  meta/consistent_index is present",
      "  compaction        the compacted revision is not past the latest revision",
      "",
      "--count-keys PREFIX: when every check passed, also what `snapshot status --count-keys PREFIX` says of the"
          + " same file (-o json: a \"status\" object; text: etcdctl's status line and the counts), in the same"
          + " start of the jar.",
      "",
      "A packed FILE is unpacked into --work-dir (a private dir, removed after); an encrypted one needs"
          + " --age-identity (exit 15 when it is missing or does not open FILE).",
      "",
      "Examples:",
      "  etcd-dr snapshot verify /backup/etcd.db",
      "  etcd-dr snapshot verify /backup/etcd.db.zst.age --age-identity /root/etcd-dr.key",
      "  etcd-dr snapshot verify /var/lib/etcd/member/snap/db --skip-hash-check -o json",
      "  etcd-dr snapshot verify /backup/etcd.db --count-keys /registry/ -o json"
    })
public final class SnapshotVerifyCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot to check.")
  Path file;

  @Option(names = "--skip-hash-check",
      description = "Do not require the SHA-256 trailer (a raw member/snap/db copy has none); said in the report.")
  boolean skipHashCheck;

  @Mixin
  AgeIdentityOption ageIdentity;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where a packed FILE is unpacked (default: java.io.tmpdir).")
  Path workDir;

  @Option(names = "--count-keys", paramLabel = "PREFIX",
      description = "When FILE passes, also its status with live keys under PREFIX counted per group, as"
          + " `snapshot status --count-keys` counts them.")
  String countKeys;

  @Mixin
  OutputOption output;

  /** {@code verify -o json} with --count-keys: the report's fields, and "status" as {@code status -o json} has it. */
  record WithStatus(@com.fasterxml.jackson.annotation.JsonUnwrapped VerifyReport report, StatusPrinter.View status) {}

  @Override
  public Integer call() {
    PackedSnapshots.Verified verified = new PackedSnapshots().verify(file, skipHashCheck, ageIdentity.get(),
        SnapshotStatusCommand.workDir(workDir), Optional.ofNullable(countKeys));
    VerifyReport report = verified.report();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, countKeys == null ? report
          : new WithStatus(report, verified.status().map(StatusPrinter::view).orElse(null)));
    } else {
      for (VerifyReport.Check c : report.checks()) {
        out.printf("%-7s %-17s %s%n", c.result().toUpperCase(java.util.Locale.ROOT), c.name(), c.detail());
      }
      out.println(report.ok() ? "snapshot " + file + " verified" : "snapshot " + file + " FAILED verification");
      verified.status().ifPresent(s -> StatusPrinter.print(s, SnapshotStatusCommand.WriteOut.simple, out));
    }
    out.flush();
    if (!report.ok()) {
      spec.commandLine().getErr().println("etcd-dr: error: " + file + " failed verification: " + report.checks()
          .stream().filter(c -> c.result().equals("fail")).map(VerifyReport.Check::name).toList());
      return ExitCodes.SNAPSHOT_INTEGRITY;
    }
    return ExitCodes.OK;
  }
}
