package dev.etcddr.etcd;

/**
 * A member's HashKV answer: the hash of its MVCC keyspace up to {@code revision}. Members that applied the same
 * history give the same hash for the same revision; a difference means their data diverged.
 *
 * @param hash the CRC-32 as etcd returns it (unsigned)
 * @param revision the revision hashed
 * @param compactRevision the member's compacted revision when it hashed
 */
public record HashKv(long hash, long revision, long compactRevision) {}
