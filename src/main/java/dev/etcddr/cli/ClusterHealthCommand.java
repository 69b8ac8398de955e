package dev.etcddr.cli;

import dev.etcddr.cluster.ClusterHealth;
import dev.etcddr.cluster.HealthReport;
import dev.etcddr.cluster.HealthRequest;
import dev.etcddr.cluster.HealthWait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Check that the endpoints are one healthy etcd cluster; the gate a restore passes before the apiservers"
          + " start. Every endpoint is asked at once, each within --timeout. Always checked: every endpoint answers"
          + " status, has a leader and reports no errors (alarms); all report one cluster ID and agree on the"
          + " leader; every endpoint's member is in the member list. On request: equal HashKV (--hash), the member"
          + " names (--expect-members), the cluster ID (--expect-cluster-id), a lowest revision (--min-revision);"
          + " --count-keys counts keys per group, all of them and those on no lease.",
      "--quorum judges the cluster as Raft does: endpoints that do not answer (a lost host) are listed under"
          + " `unanswered`, not as problems, while a majority of the member list's voting members answers healthy."
          + " --wait checks again every 0.5s until healthy; with --unreachable-grace it gives up early when one"
          + " endpoint stays silent that long while others answer (its host is probably down).",
      "The report is printed whether or not the cluster is healthy (with -o json: exactly one JSON document);"
          + " exit 0 when healthy, 5 otherwise, with the problems on stderr as one line.",
      "",
      "-o json fields (stable): healthy, cluster_id, revision, members[] {id, name, peer_urls, client_urls,"
          + " is_learner}, endpoints[] {endpoint, reachable, error, member_id, member_name, cluster_id, version,"
          + " revision, raft_index, raft_term, db_size, leader_id, is_leader, errors, hash_kv, hash_revision,"
          + " compact_revision}, key_counts {GROUP: COUNT} or null, unleased_key_counts {GROUP: COUNT} or null (keys"
          + " on no lease), key_count_revision, problems[], unanswered[] (with --quorum), diagnosis {state, advice,"
          + " down_members[], learners[] {id, name, lag}}. IDs are 16 hex digits; hash_kv, hash_revision and"
          + " compact_revision are null unless --hash was answered.",
      "",
      "diagnosis.state says which disaster the answers describe and advice the playbook that fits: member_down"
          + " (quorum kept: replace-member.yml, every write kept), quorum_lost (restore.yml from the freshest"
          + " source), learner_pending (its lag behind the voters; promote or replace), no_answer, unhealthy (other"
          + " problems), healthy. Give every member's endpoint, or a member whose endpoint is missing cannot be"
          + " seen down.",
      "",
      "Examples:",
      "  etcd-dr cluster health                                 # this host's member, from the manifest",
      "  # the restore gate: one cluster, the inventory's members, equal data, not older than the snapshot",
      "  etcd-dr cluster health \\",
      "      --endpoints https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379 \\",
      "      --hash --expect-members cp1,cp2,cp3 --min-revision 1000000 -o json",
      "  # compare with `etcd-dr snapshot status SNAPSHOT --count-keys /registry/ -o json`",
      "  etcd-dr cluster health --endpoints https://10.0.0.1:2379 --count-keys /registry/",
      "  # after a rollback with one host lost: the old cluster serves from a majority",
      "  etcd-dr cluster health --endpoints https://[fd00::1]:2379,https://[fd00::2]:2379,https://[fd00::3]:2379 \\",
      "      --quorum --expect-cluster-id 8e9e05c52164694d --wait 120s"
    })
public final class ClusterHealthCommand implements Callable<Integer> {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Option(names = "--hash",
      description = "Ask every reachable member for HashKV at one revision (the lowest current revision among"
          + " them) and flag any difference: members with equal hashes hold the same data.")
  boolean hash;

  @Option(names = "--hash-revision", paramLabel = "REV",
      description = "Hash at this revision instead (implies --hash); it must not be compacted on any member.")
  Long hashRevision;

  @Option(names = "--count-keys", paramLabel = "PREFIX",
      description = "Count live keys under PREFIX through one member (the leader if it answers), keys only, in"
          + " pages all read at one revision; grouped by PREFIX + the next path segment + '/' (/registry/pods/), or"
          + " the whole key when no '/' follows that segment (/registry/health).")
  String countKeys;

  @Option(names = "--expect-members", paramLabel = "NAME", split = ",",
      description = "The member list's names must be exactly these (any order); every member must also have a"
          + " name (started) and be a voting member (not a learner).")
  List<String> expectMembers;

  @Option(names = "--min-revision", paramLabel = "REV",
      description = "Every reachable member's revision must be at least REV (e.g. the restored snapshot's revision"
          + " plus --bump-revision).")
  Long minRevision;

  @Option(names = "--expect-cluster-id", paramLabel = "ID",
      description = "Every reachable endpoint must report this cluster ID (16 hex digits, as in -o json).")
  String expectClusterId;

  @Option(names = "--quorum",
      description = "Endpoints that do not answer are not problems while a majority of the voting members answers"
          + " with a leader and no alarm; they are listed under `unanswered`.")
  boolean quorum;

  @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Check again every 0.5s until healthy, for at most DURATION (e.g. 180s); the last report is"
          + " printed. Without it: one check.")
  Duration wait;

  @Option(names = "--unreachable-grace", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "With --wait: give up as soon as one endpoint has not answered for DURATION while others did.")
  Duration unreachableGrace;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public ClusterHealthCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (hashRevision != null && hashRevision <= 0) {
      throw new ParameterException(spec.commandLine(), "--hash-revision must be a revision above 0");
    }
    Optional<List<String>> expected = Optional.ofNullable(expectMembers).map(names -> {
      List<String> trimmed = new ArrayList<>();
      names.stream().map(String::trim).filter(n -> !n.isEmpty() && !trimmed.contains(n)).forEach(trimmed::add);
      if (trimmed.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--expect-members needs at least one member name");
      }
      return List.copyOf(trimmed);
    });
    if (expectClusterId != null && !expectClusterId.matches("[0-9a-f]{16}")) {
      throw new ParameterException(spec.commandLine(), "--expect-cluster-id must be 16 lower-case hex digits, as"
          + " cluster health -o json prints it (got '" + expectClusterId + "')");
    }
    if (unreachableGrace != null && wait == null) {
      throw new ParameterException(spec.commandLine(), "--unreachable-grace needs --wait");
    }
    HealthRequest request = new HealthRequest(access.toOptions(), hash, Optional.ofNullable(hashRevision),
        Optional.ofNullable(countKeys), expected, Optional.ofNullable(minRevision), quorum,
        Optional.ofNullable(expectClusterId));
    ClusterHealth health = new ClusterHealth(context.clock());
    HealthReport report = wait == null ? health.check(request)
        : new HealthWait(context.clock(), d -> Thread.sleep(d.toMillis())).await(() -> health.check(request), wait,
            POLL_INTERVAL, unreachableGrace == null ? Duration.ZERO : unreachableGrace, request.expectClusterId());
    HealthPrinter.print(report, countKeys, output.json(), spec.commandLine().getOut());
    if (!report.healthy()) {
      // The report is already out; an exception now would add a second JSON document to stdout.
      spec.commandLine().getErr().println("etcd-dr: error: cluster unhealthy, " + report.problems().size()
          + " problem(s): " + String.join("; ", report.problems()));
      spec.commandLine().getErr().flush();
      return ExitCodes.ETCD_UNAVAILABLE;
    }
    return ExitCodes.OK;
  }
}
