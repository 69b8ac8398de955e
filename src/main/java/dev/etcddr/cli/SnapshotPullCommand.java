package dev.etcddr.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pull", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Copy a snapshot with its bundle and sidecar from a store into a local directory (created 0700).",
      "",
      "The sidecar is read first; each file arrives as NAME.part and gets its final name only when its size and"
          + " SHA-256 equal the sidecar's (otherwise the .part is removed: exit 6). A file already in DIR is never"
          + " replaced: with the same size and SHA-256 it is kept as it is, otherwise the pull is refused (exit 7)."
          + " A .part left by a cut-off pull is resumed only when its NAME.part.src record names the same size and"
          + " SHA-256; a resumed file that fails the check is copied again from 0, once.",
      "",
      "Examples:", "  etcd-dr snapshot pull etcd-…-cp1.db --from sftp://backup@10.0.0.9/srv/etcd --to /tmp/restore \\",
      "      --identity ~/.ssh/id_ed25519 --known-hosts ~/.ssh/known_hosts"})
public final class SnapshotPullCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The snapshot's file name in the store.")
  String name;

  @Option(names = "--from", required = true, paramLabel = "STORE", description = "Directory, sftp:// or s3:// URL.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "Local directory.")
  Path to;

  @Mixin
  StoreMixin store;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    StorePrinter.print(store.operations().pull(name, from, to), output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
