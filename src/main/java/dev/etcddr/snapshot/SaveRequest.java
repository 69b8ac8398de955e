package dev.etcddr.snapshot;

import dev.etcddr.access.AccessOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code snapshot save} is asked to do.
 *
 * @param access how to reach etcd; resolved (manifest read, certificates loaded) inside the save
 * @param file an explicit output file; empty = a default name in {@code dir}
 * @param dir the directory for default-named snapshots (created 0700 if missing)
 * @param force replace an existing file at the final path
 * @param bundle also save this host's pki, static pod manifests and encryption config beside the snapshot
 * @param clusterName the operator's name for the cluster, recorded in the sidecar; empty = none recorded
 */
public record SaveRequest(AccessOptions access, Optional<Path> file, Path dir, boolean force, boolean bundle,
    Optional<String> clusterName) {
  public static final Path DEFAULT_DIR = Path.of("/var/lib/etcd-dr/snapshots");

  /**
   * What a cluster name may be: it ends up in store paths ({@code sftp://host/base/NAME}), file names and
   * playbook confirmations, so letters, digits and {@code ._-}, not starting with a dot or dash.
   */
  public static final Pattern CLUSTER_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$");

  public SaveRequest {
    clusterName.ifPresent(n -> {
      if (!CLUSTER_NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("cluster name " + n + " does not match " + CLUSTER_NAME.pattern());
      }
    });
  }
}
