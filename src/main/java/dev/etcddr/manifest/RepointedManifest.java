package dev.etcddr.manifest;

import java.nio.file.Path;

/**
 * A manifest rewritten so its etcd member uses {@code newDataDir}, and what changed.
 *
 * @param volume the hostPath volume that holds the data dir (kubeadm: {@code etcd-data})
 * @param oldHostPath that volume's {@code hostPath.path} before; after, it is {@code newDataDir}
 * @param oldMountPath the etcd container's mountPath of that volume before; after, it is {@code newDataDir}
 * @param yaml the rewritten manifest, already checked to read back as the tree that was meant
 */
public record RepointedManifest(
    Path manifest,
    String volume,
    String oldDataDir,
    String newDataDir,
    String oldHostPath,
    String oldMountPath,
    String yaml) {

  /** kubeadm's layout after the rewrite: container path, mount and host directory are the same path. */
  public String newHostPath() {
    return newDataDir;
  }
}
