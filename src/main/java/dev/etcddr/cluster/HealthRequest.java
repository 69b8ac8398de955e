package dev.etcddr.cluster;

import dev.etcddr.access.AccessOptions;
import java.util.List;
import java.util.Optional;

/**
 * What {@code cluster health} checks beyond the checks it always makes.
 *
 * @param hash ask every reachable member for HashKV at one revision and require equal hashes
 * @param hashRevision the revision to hash; empty = the lowest current revision among reachable members
 * @param countKeysPrefix count live keys under this prefix per {@link dev.etcddr.snapshot.KeyGroups} group
 * @param expectMembers the member names the member list must hold, no more and no fewer; empty = not checked
 * @param minRevision every reachable member's revision must be at least this
 * @param quorum endpoints that do not answer are not problems while a majority of the member list's voting members
 *     answers healthy (a host may be lost: the cluster still serves)
 * @param expectClusterId every reachable endpoint must report this cluster ID (16 hex digits)
 */
public record HealthRequest(
    AccessOptions access,
    boolean hash,
    Optional<Long> hashRevision,
    Optional<String> countKeysPrefix,
    Optional<List<String>> expectMembers,
    Optional<Long> minRevision,
    boolean quorum,
    Optional<String> expectClusterId) {}
