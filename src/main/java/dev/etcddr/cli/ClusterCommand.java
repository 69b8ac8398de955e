package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "cluster", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Check a running etcd cluster as a whole.")
public final class ClusterCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr cluster health --help'");
  }
}
