package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Take, check and restore etcd snapshots.", subcommands = {SnapshotSaveCommand.class, SnapshotStatusCommand.class, SnapshotVerifyCommand.class,
        SnapshotRestoreCommand.class, SnapshotDrillCommand.class,
        SnapshotPushCommand.class, SnapshotListCommand.class, SnapshotLatestCommand.class, SnapshotPruneCommand.class,
        SnapshotPullCommand.class, SnapshotAttachBundlesCommand.class, SnapshotPackCommand.class,
        SnapshotUnpackCommand.class})
public final class SnapshotCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr snapshot save --help'");
  }
}
