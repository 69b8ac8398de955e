package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "bundle", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Write this host's own bundle (PKI, static pod manifests, encryption config), or put one back on a"
        + " host rebuilt with an empty /etc/kubernetes.")
public final class BundleCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr bundle write --help'");
  }
}
