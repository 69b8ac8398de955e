package dev.etcddr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.etcddr.Json;
import dev.etcddr.manifest.EtcdManifest;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.restore.RestoreConfig;
import dev.etcddr.restore.RestoreResult;
import dev.etcddr.restore.Restorer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Build ONE member's data dir from a snapshot, without etcd: member/snap/db (membership replaced,"
          + " consistent index reset), member/snap/*.snap and member/wal/*.wal that start a fresh cluster of exactly"
          + " the given members. Same member and cluster IDs as `etcdutl snapshot restore`; flags named as etcdutl"
          + " names them.",
      "The snapshot's SHA-256 is checked before anything is written; the data dir must not exist or be empty; it is"
          + " built in a hidden sibling dir and renamed into place, so a failure leaves nothing behind.",
      "Run it on EVERY member with the SAME snapshot and the SAME new --initial-cluster-token (the restore playbook"
          + " does this).",
      "",
      "Examples:",
      "  etcd-dr snapshot restore etcd.db --manifest /etc/kubernetes/manifests/etcd.yaml \\",
      "      --initial-cluster-token restore-20261127 --data-dir /var/lib/etcd-restore-20261127 \\",
      "      --bump-revision 1000000000 --mark-compacted",
      "  etcd-dr snapshot restore etcd.db --name m1 --initial-cluster m1=https://10.0.0.1:2380 \\",
      "      --initial-advertise-peer-urls https://10.0.0.1:2380 --data-dir /var/lib/etcd-new -o json"
    })
public final class SnapshotRestoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot to restore.")
  Path file;

  @Option(names = "--manifest", paramLabel = "PATH",
      description = "Take --name, --initial-cluster, --initial-advertise-peer-urls and --data-dir (the host path"
          + " behind the etcd-data volume) from this host's etcd manifest; flags given override them.")
  Path manifest;

  @Option(names = "--name", paramLabel = "NAME", description = "This member's name (default: default).")
  String name;

  @Option(names = "--initial-cluster", paramLabel = "NAME=URL,...",
      description = "Every member of the restored cluster (default: default=http://localhost:2380).")
  String initialCluster;

  @Option(names = "--initial-cluster-token", paramLabel = "TOKEN", defaultValue = "etcd-cluster",
      description = "Hashed into every member ID; use a NEW one per restore (default: ${DEFAULT-VALUE}).")
  String token;

  @Option(names = "--initial-advertise-peer-urls", paramLabel = "URL", split = ",",
      description = "This member's peer URLs (default: http://localhost:2380).")
  List<String> peerUrls;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The data dir to create (default: NAME.etcd).")
  Path dataDir;

  @Option(names = "--skip-hash-check", description = "Restore a file without a SHA-256 trailer (a raw db copy).")
  boolean skipHashCheck;

  @Option(names = "--bump-revision", paramLabel = "N", defaultValue = "0",
      description = "Start revisions N above the snapshot's, so they never go backwards for watchers; needs"
          + " --mark-compacted.")
  long bumpRevision;

  @Option(names = "--mark-compacted", description = "Mark every revision up to the bumped one compacted.")
  boolean markCompacted;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    String n = name;
    String cluster = initialCluster;
    List<String> urls = peerUrls;
    Path dir = dataDir;
    if (manifest != null) {
      EtcdManifest m = new ManifestReader().read(manifest);
      n = n != null ? n : m.memberName();
      cluster = cluster != null ? cluster : clusterFlag(m.initialCluster());
      urls = urls != null ? urls : m.initialAdvertisePeerUrls();
      dir = dir != null ? dir : Path.of(m.hostDataDir().orElse(m.dataDir()));
    }
    n = n != null ? n : "default";
    cluster = cluster != null ? cluster : "default=http://localhost:2380";
    urls = urls != null ? urls : List.of("http://localhost:2380");
    dir = dir != null ? dir : Path.of(n + ".etcd");
    RestoreResult r = new Restorer().restore(new RestoreConfig(file, n, cluster, token, urls, dir, skipHashCheck,
        bumpRevision, markCompacted));
    print(r);
    return ExitCodes.OK;
  }

  private static String clusterFlag(Map<String, List<String>> members) {
    List<String> parts = new ArrayList<>();
    members.forEach((name, urls) -> urls.forEach(u -> parts.add(name + "=" + u)));
    return String.join(",", parts);
  }

  private void print(RestoreResult r) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      try {
        out.println(Json.mapper().writeValueAsString(r));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.printf("restored %s as member %s (%s) of cluster %s%n", r.dataDir(), r.name(), r.memberId(),
          r.clusterId());
      r.members().forEach(m -> out.printf("  member %s %s %s%n", m.name(), m.id(), String.join(",", m.peerUrls())));
      out.printf("  revision %d%s%n", r.revisionAfter(), r.revisionAfter() != r.revisionBefore()
          ? " (snapshot at " + r.revisionBefore() + ", bumped; older revisions read as compacted)" : "");
      r.files().forEach(f -> out.println("  wrote " + f));
    }
    out.flush();
  }
}
