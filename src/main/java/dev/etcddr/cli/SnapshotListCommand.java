package dev.etcddr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "List the snapshots in a store, newest first (by the time in the name). 'verified' means the sidecar is"
          + " there too. .part files and other names are not listed.",
      "",
      "Examples:",
      "  etcd-dr snapshot list /backup/etcd -o json"
    })
public final class SnapshotListCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "STORE", description = "Directory, sftp:// or s3:// URL.")
  String location;

  @Mixin
  StoreMixin store;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    StorePrinter.print(store.operations().list(location), output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
