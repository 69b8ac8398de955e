package dev.etcddr.cli;

import dev.etcddr.snapshot.SnapshotStatus;
import dev.etcddr.snapshot.StatusReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Hash, revision, total keys and total size of a snapshot, read from its bbolt pages: the same numbers and"
          + " text as `etcdctl snapshot status` (3.4) and `etcdutl snapshot status` (3.5), without either.",
      "Works on a saved snapshot and on a raw member/snap/db copy. TOTAL KEYS counts every entry of every bucket,"
          + " as 3.4 and 3.5 do; -o json adds what etcdutl 3.6 reports (live_keys, storage_version).",
      "",
      "Examples:",
      "  etcd-dr snapshot status /backup/etcd.db",
      "  etcd-dr snapshot status /backup/etcd.db -w table",
      "  etcd-dr snapshot status /var/lib/etcd/member/snap/db -o json"
    })
public final class SnapshotStatusCommand implements Callable<Integer> {
  /** etcdctl's output forms, byte for byte. */
  enum WriteOut {
    simple,
    table,
    json,
    fields
  }

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot, or a raw bbolt db.")
  Path file;

  @Option(names = {"-w", "--write-out"}, paramLabel = "FORMAT", defaultValue = "simple",
      description = "etcdctl-compatible output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  WriteOut writeOut;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    if (output.json() && spec.commandLine().getParseResult().hasMatchedOption("--write-out")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "-o json is etcd-dr's own JSON; -w is etcdctl's formats: give one of them");
    }
    StatusReport report = new SnapshotStatus().status(file);
    StatusPrinter.print(report, output.json() ? null : writeOut, spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
