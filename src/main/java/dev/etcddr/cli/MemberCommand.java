package dev.etcddr.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "member", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Replace one member while the others keep serving.",
      "",
      "Step by step: remove the dead member, add it back as a learner, start its etcd with --initial-cluster-state=existing and the --initial-cluster add-learner"
          + " printed, promote it once it has caught up. Every step can be run again: one already done is reported"
          + " as done (exit 0). The playbook replace-member.yml runs them in this order.",
    })
public final class MemberCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: try 'etcd-dr member --help'");
  }
}
