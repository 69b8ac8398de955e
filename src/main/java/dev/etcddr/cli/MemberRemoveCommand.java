package dev.etcddr.cli;

import dev.etcddr.membership.MemberChangeRequest;
import dev.etcddr.membership.MemberChanges;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Remove MEMBER (name or 16-hex-digit ID) from the cluster (etcdctl member remove). With --expect-down it is"
          + " refused (exit 14) while the member still answers on its client URLs: the caller meant to stop it"
          + " first. etcd refuses a removal that would leave too few started members for quorum (exit 14). A"
          + " member that is not in the list is reported as already_removed.",
      "",
      "-o json fields (stable): as add-learner; outcome removed or already_removed.",
      "",
      "Example:",
      "  etcd-dr member remove cp3 --expect-down --endpoints https://10.0.0.1:2379,https://10.0.0.2:2379 -o json"
    })
public final class MemberRemoveCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MEMBER", description = "The member's name or ID.")
  String member;

  @Option(names = "--expect-down", description = "Refuse while the member still answers on its client URLs.")
  boolean expectDown;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public MemberRemoveCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    MemberCommands.requireName(spec, member);
    MemberChangeRequest r = new MemberChangeRequest(access.toOptions(), member, List.of(), expectDown,
        Optional.empty(), 0);
    MemberCommands.print(new MemberChanges(context.clock(), MemberCommands.SLEEP).remove(r), output, spec);
    return ExitCodes.OK;
  }
}
