package dev.etcddr.cli;

import dev.etcddr.remote.StoreOperations;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Copy a snapshot and its sidecar into a store: a directory, or sftp://user@host[:port]/dir. Each file appears"
          + " under its final name only when complete (NAME.part first, size checked, renamed); running it again after"
          + " a dropped connection resumes; an existing file of another size is never replaced.",
      "",
      "Examples:",
      "  etcd-dr snapshot push /var/lib/etcd-dr/snapshots/etcd-…-cp1.db --to /backup/etcd",
      "  etcd-dr snapshot push etcd-…-cp1.db --to sftp://backup@10.0.0.9/srv/etcd --identity ~/.ssh/id_ed25519 \\",
      "      --known-hosts ~/.ssh/known_hosts"
    })
public final class SnapshotPushCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "A snapshot with a default name; its FILE.json goes with it.")
  Path file;

  @Option(names = "--to", required = true, paramLabel = "STORE", description = "Directory or sftp:// URL.")
  String to;

  @Mixin
  StoreMixin store;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    StoreOperations.PushResult r = store.operations().push(file, to);
    StorePrinter.print(r, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
