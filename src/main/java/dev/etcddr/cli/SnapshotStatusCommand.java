package dev.etcddr.cli;

import dev.etcddr.snapshot.SnapshotStatus;
import dev.etcddr.snapshot.StatusReport;
import java.nio.file.Path;
import java.util.Optional;
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
      "--count-keys PREFIX counts the live keys (latest revision not a delete) under PREFIX per group, grouped as"
          + " `cluster health --count-keys` groups them, so a snapshot and its cluster can be compared: -o json adds"
          + " \"key_counts\": {GROUP: COUNT}; simple and table output get a section after etcdctl's lines.",
      "",
      "Examples:",
      "  etcd-dr snapshot status /backup/etcd.db",
      "  etcd-dr snapshot status /backup/etcd.db -w table",
      "  etcd-dr snapshot status /var/lib/etcd/member/snap/db -o json",
      "  etcd-dr snapshot status /backup/etcd.db --count-keys /registry/ -o json"
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

  @Option(names = "--count-keys", paramLabel = "PREFIX",
      description = "Also count live keys under PREFIX per group: PREFIX + the next path segment + '/' (e.g."
          + " /registry/pods/), or the whole key when no '/' follows that segment (/registry/health).")
  String countKeys;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    if (output.json() && spec.commandLine().getParseResult().hasMatchedOption("--write-out")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "-o json is etcd-dr's own JSON; -w is etcdctl's formats: give one of them");
    }
    if (countKeys != null && (writeOut == WriteOut.json || writeOut == WriteOut.fields)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--count-keys adds to -o json, -w simple and -w table; -w " + writeOut + " stays etcdctl's exactly");
    }
    StatusReport report = new SnapshotStatus().status(file, Optional.ofNullable(countKeys));
    StatusPrinter.print(report, output.json() ? null : writeOut, spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
