package dev.etcddr.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot {@code snapshot latest} chose, and the newer ones it passed over.
 *
 * @param path the file on this host, empty for an SFTP store
 * @param checked what was compared with the sidecar: {@link #SIZE_AND_SHA256}
 * @param hostBundles the hosts' own bundles beside it (checked the same way), empty for older sets
 */
public record LatestSnapshot(String store, String file, Optional<Path> path, SnapshotName name, String clusterName,
    long size, String sha256, String checked, List<SidecarFacts.HostBundle> hostBundles, List<Skipped> skipped) {
  public static final String SIZE_AND_SHA256 = "size+sha256";

  /** A newer candidate that was not chosen, and why. */
  public record Skipped(String file, String reason) {}
}
