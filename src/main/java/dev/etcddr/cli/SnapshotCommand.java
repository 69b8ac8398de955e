package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Take, check and restore etcd snapshots.")
public final class SnapshotCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr snapshot save --help'");
  }
}
