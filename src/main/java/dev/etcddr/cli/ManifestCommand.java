package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "manifest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Read this host's etcd or kube-apiserver static pod manifest, or write a copy of etcd's that points at another data dir or joins a running cluster.")
public final class ManifestCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr manifest show' or 'etcd-dr manifest repoint --help'");
  }
}
