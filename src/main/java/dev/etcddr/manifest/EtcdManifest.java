package dev.etcddr.manifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one kubeadm etcd static pod says about its member. Paths are as the manifest writes them (host paths on a
 * kubeadm node, since kubeadm mounts the pki and data directories at the same paths inside the container).
 *
 * @param dataDir the container's {@code --data-dir}
 * @param hostDataDir where that directory really lives on the host: the {@code etcd-data} (or whichever) hostPath
 *     volume that is mounted over it; empty when no hostPath covers it, so data would not survive a restart
 * @param imageTag the image tag, e.g. {@code 3.5.16-0}; etcdVersion is its version part, {@code 3.5.16}
 */
public record EtcdManifest(
    Path manifestPath,
    String memberName,
    String dataDir,
    Optional<String> hostDataDir,
    Optional<String> dataVolumeName,
    List<String> advertiseClientUrls,
    List<String> listenClientUrls,
    List<String> initialAdvertisePeerUrls,
    List<String> listenPeerUrls,
    Map<String, List<String>> initialCluster,
    Optional<String> initialClusterState,
    Optional<String> initialClusterToken,
    String certFile,
    String keyFile,
    String trustedCaFile,
    Optional<String> peerCertFile,
    Optional<String> peerKeyFile,
    Optional<String> peerTrustedCaFile,
    String image,
    Optional<String> imageTag,
    Optional<String> etcdVersion,
    Optional<Long> quotaBackendBytes) {

  /** The same member with another data dir. */
  EtcdManifest withDataDir(String newDataDir, Optional<String> newHostDataDir) {
    return new EtcdManifest(manifestPath, memberName, newDataDir, newHostDataDir, dataVolumeName,
        advertiseClientUrls, listenClientUrls, initialAdvertisePeerUrls, listenPeerUrls, initialCluster,
        initialClusterState, initialClusterToken, certFile, keyFile, trustedCaFile, peerCertFile, peerKeyFile,
        peerTrustedCaFile, image, imageTag, etcdVersion, quotaBackendBytes);
  }

  /** The URL a client on this host should use: the first advertised client URL. */
  public String clientEndpoint() {
    return advertiseClientUrls.get(0);
  }

  /** The kubeadm pki directory: the parent of {@code etcd/ca.crt}'s directory. */
  public Optional<Path> kubernetesPkiDir() {
    Path ca = Path.of(trustedCaFile).toAbsolutePath().getParent();
    return Optional.ofNullable(ca == null ? null : ca.getParent());
  }
}
