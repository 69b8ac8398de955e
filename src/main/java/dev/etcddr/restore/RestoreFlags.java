package dev.etcddr.restore;

import dev.etcddr.manifest.EtcdManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The restore flags as given: a null field was not given, and is taken from the manifest if there is one, else
 * from etcdutl's default. Field names as in {@link RestoreConfig}.
 */
public record RestoreFlags(
    String name,
    String initialCluster,
    String initialClusterToken,
    List<String> initialAdvertisePeerUrls,
    boolean skipHashCheck,
    long bumpRevision,
    boolean markCompacted) {

  /** @param manifest null when none was given; dataDir null to take the manifest's host data dir or NAME.etcd */
  public RestoreConfig toConfig(Path snapshot, EtcdManifest manifest, Path dataDir) {
    String n = name;
    String cluster = initialCluster;
    List<String> urls = initialAdvertisePeerUrls;
    Path dir = dataDir;
    if (manifest != null) {
      n = n != null ? n : manifest.memberName();
      cluster = cluster != null ? cluster : clusterFlag(manifest.initialCluster());
      urls = urls != null ? urls : manifest.peerUrls();
      dir = dir != null ? dir : Path.of(manifest.hostDataDir().orElseGet(manifest::dataDir));
    }
    n = n != null ? n : "default";
    cluster = cluster != null ? cluster : "default=http://localhost:2380";
    urls = urls != null ? urls : List.of("http://localhost:2380");
    dir = dir != null ? dir : Path.of(n + ".etcd");
    return new RestoreConfig(snapshot, n, cluster, initialClusterToken, urls, dir, skipHashCheck, bumpRevision,
        markCompacted);
  }

  private static String clusterFlag(Map<String, List<String>> members) {
    List<String> parts = new ArrayList<>();
    members.forEach((member, urls) -> urls.forEach(u -> parts.add(member + "=" + u)));
    return String.join(",", parts);
  }
}
