package dev.etcddr.restore;

import java.util.List;

/**
 * What {@code snapshot restore --in-place} did, or with {@code --dry-run} would do. IDs in hex, as etcd prints them.
 * Field names are a stable contract.
 *
 * @param status restored (built and swapped now), resumed (an interrupted run of the same restore finished now),
 *     already_restored (that restore had finished; nothing changed), would_restore, would_resume (dry run)
 * @param kept where the original member is (or will be) kept: D/etcd-dr-ID/original/member
 * @param requiredBytes free bytes asked for on D's filesystem (0 when nothing is left to build)
 * @param revisionBefore the snapshot's revision; null unless the member was built by this call
 * @param steps what was (or would be) done, in order
 */
public record InPlaceResult(
    String status,
    boolean dryRun,
    String restoreId,
    String dataDir,
    String kept,
    String workDir,
    String snapshot,
    long snapshotBytes,
    long freeBytes,
    long requiredBytes,
    String name,
    String memberId,
    String clusterId,
    List<RestoreResult.MemberView> members,
    Long revisionBefore,
    Long revisionAfter,
    boolean markCompacted,
    List<String> steps) {}
