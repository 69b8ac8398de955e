package dev.etcddr.snapshot;

/**
 * The sidecar {@code <snapshot>.json}: where a snapshot came from and how to know it is intact. Field names are a
 * stable contract (playbooks read them); add fields, never rename. IDs are hex, as etcdctl prints them.
 *
 * @param file the snapshot's file name (no directory: the pair may be moved together)
 * @param revision the store revision inside the snapshot
 * @param raftIndex the raft index the snapshot reflects ({@code consistent_index} in its meta bucket)
 * @param dbSize bytes of the bbolt database (the file without its 32-byte SHA-256 trailer)
 * @param sha256 SHA-256 of the whole file, hex
 * @param bundle the configuration bundle saved beside the snapshot (file name), or null
 * @param bundleSha256 its SHA-256, or null
 * @param encryptionConfig the apiserver's encryption config included in the bundle, or null when none is set
 * @param hashKv the source member's HashKV at {@code revision}, asked right after the snapshot arrived, so a drill
 *     can prove a restore holds the same keyspace; null when the member could not answer (e.g. already compacted
 *     past it) and in sidecars written before it was recorded
 * @param hashKvCompactRevision the source's compacted revision when it hashed: HashKV covers only what compaction
 *     kept, so a restored member's hash is comparable only at the same compacted revision; null with hashKv
 * @param clusterName the name the operator gave with {@code snapshot save --cluster-name} (etcd has none), or null;
 *     sidecars written before it was recorded lack it and read as null
 */
public record SnapshotMetadata(
    String format,
    String file,
    String clusterId,
    String memberId,
    String memberName,
    String endpoint,
    String etcdVersion,
    long revision,
    long raftIndex,
    long dbSize,
    long fileSize,
    String sha256,
    String takenAt,
    String toolVersion,
    String bundle,
    String bundleSha256,
    String encryptionConfig,
    Long hashKv,
    Long hashKvCompactRevision,
    String clusterName) {
  public static final String FORMAT = "etcd-dr.snapshot/v1";
}
