package dev.etcddr.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a kubeadm etcd static pod manifest the way {@code kubeadm join} leaves a new control-plane member's: its
 * {@code --initial-cluster} is the running cluster's member list (as {@code member add-learner} printed it) and
 * {@code --initial-cluster-state=existing}, so an empty data dir joins that cluster instead of bootstrapping one.
 * Pure: reads the manifest, returns the new text.
 *
 * <p>Only those two flags change (every repeat of them, so none contradicts the last); one that is missing is
 * added at the end of the etcd container's argv. The initial cluster must list this member under its --name with
 * exactly its --initial-advertise-peer-urls: etcd refuses to start otherwise, after the learner was added.
 */
public final class ManifestJoiner {
  private final ManifestReader reader = new ManifestReader();
  private final ManifestYaml yaml = new ManifestYaml();

  public JoinedManifest join(Path manifest, String initialCluster) {
    ManifestReader.Loaded loaded = reader.load(manifest);
    EtcdManifest before = reader.fromTree(manifest, loaded.tree());
    Map<String, List<String>> cluster = ManifestReader.parseInitialCluster(manifest, initialCluster);
    String name = before.memberName();
    List<String> own = cluster.get(name);
    if (own == null || !new HashSet<>(own).equals(new HashSet<>(before.initialAdvertisePeerUrls()))) {
      throw new ManifestException(manifest, "--initial-cluster " + initialCluster + " does not list this member "
          + name + " with its --initial-advertise-peer-urls " + before.initialAdvertisePeerUrls() + " (it lists "
          + (own == null ? "no " + name : name + "=" + own) + "): etcd would refuse to start; give the"
          + " initial_cluster that 'member add-learner " + name + "' printed");
    }
    ObjectNode pod = (ObjectNode) loaded.tree().deepCopy();
    JsonNode container = ManifestReader.etcdContainer(manifest, pod.path("spec").path("containers"));
    List<ManifestRepointer.Slot> argv = ManifestRepointer.argv(container);
    List<CommandFlags.Occurrence> flags = CommandFlags.scan(argv.stream().map(ManifestRepointer.Slot::text).toList());
    String oldCluster = "";
    String oldState = "";
    boolean clusterSet = false;
    boolean stateSet = false;
    for (CommandFlags.Occurrence flag : flags) {
      boolean isCluster = flag.name().equals("initial-cluster");
      boolean isState = flag.name().equals("initial-cluster-state");
      if (!isCluster && !isState) {
        continue;
      }
      if (flag.index() < 0) {
        throw new ManifestException(manifest, "a --" + flag.name() + " flag in the etcd container command has no"
            + " value; cannot make it join");
      }
      argv.get(flag.index()).set(flag.prefix() + (isCluster ? initialCluster : "existing"));
      if (isCluster) {
        oldCluster = flag.value();
        clusterSet = true;
      } else {
        oldState = flag.value();
        stateSet = true;
      }
    }
    ArrayNode last = container.get("args") instanceof ArrayNode args ? args : (ArrayNode) container.get("command");
    if (!clusterSet) {
      last.add("--initial-cluster=" + initialCluster);
    }
    if (!stateSet) {
      last.add("--initial-cluster-state=existing");
    }
    String text = yaml.writeChecked(manifest, pod, before.withJoin(cluster), "joining");
    return new JoinedManifest(manifest, name, oldCluster, oldState, initialCluster, text);
  }
}
