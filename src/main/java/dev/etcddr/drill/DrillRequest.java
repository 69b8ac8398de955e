package dev.etcddr.drill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * @param etcd the etcd binary given on the command line; otherwise $ETCD_DR_ETCD, then PATH, from {@code env}
 * @param countKeysPrefix keys under it are counted per group and compared (/registry/ for Kubernetes)
 * @param timeout how long the throwaway etcd may take to come up, and each request to it
 * @param workDir where the private scratch dir is made (it holds a copy of every Secret while the drill runs), and
 *     where a packed snapshot is unpacked
 * @param ageIdentity the key file that opens an encrypted snapshot; not read for any other
 */
public record DrillRequest(Path snapshot, Optional<Path> etcd, Map<String, String> env, String countKeysPrefix,
    Duration timeout, Path workDir, Optional<Path> ageIdentity) {}
