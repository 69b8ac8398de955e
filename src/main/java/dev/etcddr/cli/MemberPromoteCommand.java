package dev.etcddr.cli;

import dev.etcddr.membership.MemberChangeRequest;
import dev.etcddr.membership.MemberChanges;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "promote", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Promote the learner MEMBER (name or 16-hex-digit ID) to a voting member once it has caught up: its"
          + " revision (from its own status, on its client URLs) at most --max-lag behind the voter asked. etcd"
          + " itself refuses a learner whose log is not within 90%% of the leader's; that refusal is waited out"
          + " too. Checks every second for at most --wait.",
      "A learner that does not catch up in time stays a learner: exit 14, with its last lag. A member that is"
          + " already a voter is reported as already_voter.",
      "",
      "-o json fields (stable): as add-learner; outcome promoted or already_voter, lag (revisions behind when"
          + " promoted), attempts, waited_ms.",
      "",
      "Example:",
      "  etcd-dr member promote cp3 --wait 300s --max-lag 1000 \\",
      "      --endpoints https://10.0.0.1:2379,https://10.0.0.2:2379 -o json"
    })
public final class MemberPromoteCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MEMBER", description = "The learner's name or ID.")
  String member;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "300s", converter = DurationConverter.class,
      description = "How long the learner may take to catch up (default: ${DEFAULT-VALUE}).")
  Duration wait;

  @Option(names = "--max-lag", paramLabel = "REVISIONS", defaultValue = "1000",
      description = "How many revisions behind a voter the learner may be when promoted (default: ${DEFAULT-VALUE}).")
  long maxLag;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public MemberPromoteCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    MemberCommands.requireName(spec, member);
    MemberCommands.require(spec, maxLag >= 0, "--max-lag must not be negative");
    MemberChangeRequest r = new MemberChangeRequest(access.toOptions(), member, List.of(), false, Optional.of(wait),
        maxLag);
    MemberCommands.print(new MemberChanges(context.clock(), MemberCommands.SLEEP).promote(r), output, spec);
    return ExitCodes.OK;
  }
}
