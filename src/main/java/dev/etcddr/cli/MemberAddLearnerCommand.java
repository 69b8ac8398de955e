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

@Command(name = "add-learner", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Add NAME as a learner with --peer-urls (etcdctl member add NAME --learner). A learner gets the data but"
          + " no vote, so adding it cannot cost quorum; it becomes a voter with 'member promote'.",
      "Refused (exit 14): a voting member already has these peer URLs (remove it first), another member shares"
          + " one of them, a member named NAME has other URLs, or another member was added but never started. A"
          + " learner with exactly these URLs is already there: reported as already_learner.",
      "",
      "Start the new member's etcd with --initial-cluster-state=existing and --initial-cluster set to the"
          + " printed initial_cluster (every member, the learner under NAME).",
      "",
      "-o json fields (stable): action, outcome (added, already_learner), member_id, name, peer_urls,"
          + " initial_cluster, members[] {id, name, peer_urls, client_urls, is_learner}, lag, attempts, waited_ms.",
      "",
      "Example:",
      "  etcd-dr member add-learner cp3 --peer-urls https://10.0.0.3:2380 \\",
      "      --endpoints https://10.0.0.1:2379,https://10.0.0.2:2379 -o json"
    })
public final class MemberAddLearnerCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The new member's name (its --name).")
  String name;

  @Option(names = "--peer-urls", paramLabel = "URL", split = ",", required = true,
      description = "The new member's peer URLs (its --initial-advertise-peer-urls).")
  List<String> peerUrls;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public MemberAddLearnerCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    MemberCommands.requireName(spec, name);
    List<String> urls = MemberCommands.peerUrls(spec, peerUrls);
    MemberChangeRequest r = new MemberChangeRequest(access.toOptions(), name, urls, false, Optional.empty(), 0);
    MemberCommands.print(new MemberChanges(context.clock(), MemberCommands.SLEEP).addLearner(r), output, spec);
    return ExitCodes.OK;
  }
}
