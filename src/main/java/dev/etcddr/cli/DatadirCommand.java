package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "datadir", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Act on this host's etcd data dir: export a stopped member's data, roll back an in-place restore.")
public final class DatadirCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr datadir rollback --help'");
  }
}
