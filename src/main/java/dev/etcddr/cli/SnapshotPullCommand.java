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
    description = {"Copy a snapshot and its sidecar from a store into a local directory.", "",
      "Examples:", "  etcd-dr snapshot pull etcd-…-cp1.db --from sftp://backup@10.0.0.9/srv/etcd --to /tmp/restore \\",
      "      --identity ~/.ssh/id_ed25519 --known-hosts ~/.ssh/known_hosts"})
public final class SnapshotPullCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The snapshot's file name in the store.")
  String name;

  @Option(names = "--from", required = true, paramLabel = "STORE", description = "Directory or sftp:// URL.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "Local directory.")
  Path to;

  @Mixin
  StoreMixin store;

  @Override
  public Integer call() {
    store.operations().pull(name, from, to);
    spec.commandLine().getOut().println("pulled " + name + " into " + to);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
