package dev.etcddr.cli;

import dev.etcddr.manifest.JoinedManifest;
import dev.etcddr.restore.ManifestCopyWriter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "join", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Write a copy of this host's etcd static pod manifest whose member joins the running cluster, as kubeadm"
          + " join leaves it: --initial-cluster set to the member list printed by 'member add-learner', and"
          + " --initial-cluster-state=existing. The original manifest is never modified: it stays as it is, for"
          + " rollback.",
      "",
      "Only those two flags change (every repeat of them; a missing one is added). Refused (exit 3): an initial"
          + " cluster that does not list this member under its --name with exactly its"
          + " --initial-advertise-peer-urls (etcd would refuse to start).",
      "",
      "The copy is written as 'manifest repoint' writes it: a hidden temporary file beside FILE (mode 0600),"
          + " synced and renamed into place; FILE's directory must exist and must not be the manifest's.",
      "",
      "-o json fields (stable): manifest, out, member, old_initial_cluster, old_initial_cluster_state,"
          + " initial_cluster.",
      "",
      "Example:",
      "  etcd-dr manifest join --manifest /etc/kubernetes/manifests/etcd.yaml \\",
      "      --initial-cluster cp1=https://10.0.0.1:2380,cp2=https://10.0.0.2:2380,cp3=https://10.0.0.3:2380 \\",
      "      --out /etc/kubernetes/etcd-dr-restores/replace-20261127t190000z/etcd.yaml -o json"
    })
public final class ManifestJoinCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--initial-cluster", paramLabel = "NAME=URL,...", required = true,
      description = "The member list to join with: 'member add-learner' prints it (initial_cluster).")
  String initialCluster;

  @Mixin
  ManifestCopyMixin copy;

  @Mixin
  OutputOption output;

  /** Stable JSON shape of {@code manifest join -o json}. */
  record View(String manifest, String out, String member, String oldInitialCluster, String oldInitialClusterState,
      String initialCluster) {}

  @Override
  public Integer call() {
    JoinedManifest j = new ManifestCopyWriter().join(copy.manifest, initialCluster, copy.out, copy.force);
    PrintWriter w = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(w, new View(j.manifest().toString(), copy.out.toString(),
            j.member(), j.oldInitialCluster(), j.oldInitialClusterState(), j.initialCluster()));
    } else {
      w.printf("wrote %s: member %s joins the running cluster (--initial-cluster-state %s → existing,"
          + " --initial-cluster %s); %s unchanged%n", copy.out, j.member(),
          j.oldInitialClusterState().isEmpty() ? "(unset)" : j.oldInitialClusterState(), j.initialCluster(),
          j.manifest());
    }
    w.flush();
    return ExitCodes.OK;
  }
}
