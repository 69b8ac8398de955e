package dev.etcddr.snapshot;

import dev.etcddr.access.AccessOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code snapshot save} is asked to do.
 *
 * @param access how to reach etcd; resolved (manifest read, certificates loaded) inside the save
 * @param file an explicit output file; empty = a default name in {@code dir}
 * @param dir the directory for default-named snapshots (created 0700 if missing)
 * @param force replace an existing file at the final path
 * @param bundle also save this host's pki, static pod manifests and encryption config beside the snapshot
 */
public record SaveRequest(AccessOptions access, Optional<Path> file, Path dir, boolean force, boolean bundle) {
  public static final Path DEFAULT_DIR = Path.of("/var/lib/etcd-dr/snapshots");
}
