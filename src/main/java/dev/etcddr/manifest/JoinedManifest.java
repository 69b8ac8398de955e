package dev.etcddr.manifest;

import java.nio.file.Path;

/**
 * A manifest rewritten so its member joins a running cluster, and what changed.
 *
 * @param member the member's --name, which the new initial cluster lists with the manifest's peer URLs
 * @param oldInitialCluster {@code --initial-cluster} before, as written ("" when absent)
 * @param oldInitialClusterState {@code --initial-cluster-state} before ("" when absent: etcd's default, new)
 * @param yaml the rewritten manifest, already checked to read back as the tree that was meant
 */
public record JoinedManifest(
    Path manifest,
    String member,
    String oldInitialCluster,
    String oldInitialClusterState,
    String initialCluster,
    String yaml) {}
