package dev.etcddr.snapshot;

import dev.etcddr.access.EtcdAccess;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code snapshot save} is asked to do.
 *
 * @param file an explicit output file; empty = a default name in {@code dir}
 * @param dir the directory for default-named snapshots (created 0700 if missing)
 * @param force replace an existing file at the final path
 */
public record SaveRequest(EtcdAccess access, Optional<Path> file, Path dir, boolean force) {
  public static final Path DEFAULT_DIR = Path.of("/var/lib/etcd-dr/snapshots");
}
