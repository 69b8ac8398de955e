package dev.etcddr.snapshot;

import java.util.Map;
import java.util.Optional;

/**
 * {@code snapshot status}: what etcdctl 3.4 / etcdutl 3.5 report (hash, revision, totalKey = every entry of every
 * bucket, totalSize = the db's pages), and what etcdutl 3.6 reports instead or besides (liveKeys = distinct user
 * keys not deleted, storageVersion).
 *
 * @param versions the db's raw storage and cluster versions, and from them the oldest etcd that starts from it
 * @param layout whose output the etcdutl forms ({@code -w}) print: asked for, or the one the storage version calls for
 * @param keyCounts live keys per {@link KeyGroups} group under the prefix asked for; empty when not asked
 * @param unleasedKeyCounts the same, counting only keys attached to no lease: after a restore, keys on a lease
 *     (apiserver endpoint leases, events) expire once the restored cluster has a leader, the others stay
 */
public record StatusReport(
    String file,
    long hash,
    long revision,
    long totalKey,
    long totalSize,
    long liveKeys,
    String storageVersion,
    EtcdVersions versions,
    boolean hasTrailer,
    long fileSize,
    Optional<Map<String, Long>> keyCounts,
    Optional<Map<String, Long>> unleasedKeyCounts,
    StatusLayout layout) {}
