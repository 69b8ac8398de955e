package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "etcd-dr",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Disaster recovery for the etcd behind kubeadm control planes.",
      "Each call does one host's work and can answer in JSON (-o json); the restore order across hosts lives in"
          + " the Ansible playbooks that call it."
    },
    footer = {"", "Run 'etcd-dr COMMAND --help' for a command's options and examples."})
public final class RootCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command: try 'etcd-dr --help'");
  }
}
