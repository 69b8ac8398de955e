package dev.etcddr.manifest;

import dev.etcddr.net.HostPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one etcd static pod says about its member. Flags that kubeadm has not always written are kept as absent, and
 * the accessors a consumer calls for them ({@link #dataDir}, {@link #certFile}, {@link #initialCluster}, {@link
 * #clientEndpoint}, {@link #hostFile} …) throw a {@link ManifestException} naming the field only then: a snapshot
 * save needs an endpoint and TLS files, not the initial cluster; a restore needs the initial cluster, not TLS.
 *
 * <p>File flags are container paths. {@link #hostFiles} holds where each really lives on the host, through the
 * hostPath volume mounted over it (kubeadm mounts at the same path, but not everybody does).
 *
 * @param name the {@code --name} flag; etcd itself uses {@code default} without one
 * @param dataDirFlag the container's {@code --data-dir}
 * @param hostDataDir where that directory really lives on the host: the hostPath volume (whatever its name) mounted
 *     over it; empty when no hostPath covers it, so data would not survive a restart
 * @param advertiseClientUrls {@code --advertise-client-urls}, else kubeadm's annotation, as written
 * @param annotatedClientUrls the {@code kubeadm.kubernetes.io/etcd.advertise-client-urls} annotation
 * @param initialClusterFlag {@code --initial-cluster} as written; see {@link #initialCluster} for what etcd uses
 * @param tlsFiles container path by flag name ({@code cert-file}, {@code peer-key-file} …), for the flags present
 * @param hostFiles host path by flag name, for the files a hostPath volume covers
 * @param imageTag the image tag, e.g. {@code 3.5.16-0}; etcdVersion is its version part, {@code 3.5.16}, empty when
 *     the tag is not a version (a digest only, a build hash)
 */
public record EtcdManifest(
    Path manifestPath,
    Optional<String> name,
    Optional<String> dataDirFlag,
    Optional<String> hostDataDir,
    Optional<String> dataVolumeName,
    List<String> advertiseClientUrls,
    List<String> annotatedClientUrls,
    List<String> listenClientUrls,
    List<String> initialAdvertisePeerUrls,
    List<String> listenPeerUrls,
    Optional<Map<String, List<String>>> initialClusterFlag,
    Optional<String> initialClusterState,
    Optional<String> initialClusterToken,
    Map<String, String> tlsFiles,
    Map<String, String> hostFiles,
    String image,
    Optional<String> imageTag,
    Optional<String> etcdVersion,
    Optional<Long> quotaBackendBytes) {

  /** etcd's default {@code --name}. */
  public static final String DEFAULT_NAME = "default";

  /** The file flags whose paths are translated to the host. */
  public static final List<String> FILE_FLAGS = List.of("cert-file", "key-file", "trusted-ca-file",
      "peer-cert-file", "peer-key-file", "peer-trusted-ca-file");

  /** The same member with another data dir. */
  EtcdManifest withDataDir(String newDataDir, Optional<String> newHostDataDir) {
    return new EtcdManifest(manifestPath, name, Optional.of(newDataDir), newHostDataDir, dataVolumeName,
        advertiseClientUrls, annotatedClientUrls, listenClientUrls, initialAdvertisePeerUrls, listenPeerUrls,
        initialClusterFlag, initialClusterState, initialClusterToken, tlsFiles, hostFiles, image, imageTag,
        etcdVersion, quotaBackendBytes);
  }

  /** The same member started to join a running cluster: this initial cluster, state {@code existing}. */
  EtcdManifest withJoin(Map<String, List<String>> newInitialCluster) {
    return new EtcdManifest(manifestPath, name, dataDirFlag, hostDataDir, dataVolumeName, advertiseClientUrls,
        annotatedClientUrls, listenClientUrls, initialAdvertisePeerUrls, listenPeerUrls,
        Optional.of(newInitialCluster), Optional.of("existing"), initialClusterToken, tlsFiles, hostFiles, image,
        imageTag, etcdVersion, quotaBackendBytes);
  }

  /** The member name etcd runs under: {@code --name}, else etcd's default. */
  public String memberName() {
    return name.orElse(DEFAULT_NAME);
  }

  /** The container's {@code --data-dir}, for consumers that need it. */
  public String dataDir() {
    return dataDirFlag.orElseThrow(() -> missing("no --data-dir flag in the etcd container command (etcd would"
        + " keep its data in <name>.etcd under its working directory, on no volume)"));
  }

  /**
   * The cluster etcd bootstraps with, name → peer URLs. Without {@code --initial-cluster} etcd uses
   * {@code <--name>=<--initial-advertise-peer-urls>}, so that is what this member's cluster was.
   */
  public Map<String, List<String>> initialCluster() {
    if (initialClusterFlag.isPresent()) {
      if (!initialClusterFlag.get().containsKey(memberName())) {
        throw missing("--initial-cluster does not list this member's --name '" + memberName() + "'");
      }
      return initialClusterFlag.get();
    }
    Map<String, List<String>> derived = new LinkedHashMap<>();
    derived.put(memberName(), peerUrls());
    return derived;
  }

  /** This member's {@code --initial-advertise-peer-urls}, for consumers that need them. */
  public List<String> peerUrls() {
    if (initialAdvertisePeerUrls.isEmpty()) {
      throw missing("no --initial-advertise-peer-urls flag in the etcd container command");
    }
    return initialAdvertisePeerUrls;
  }

  public String certFile() {
    return tlsFile("cert-file");
  }

  public String keyFile() {
    return tlsFile("key-file");
  }

  public String trustedCaFile() {
    return tlsFile("trusted-ca-file");
  }

  public Optional<String> peerCertFile() {
    return Optional.ofNullable(tlsFiles.get("peer-cert-file"));
  }

  public Optional<String> peerKeyFile() {
    return Optional.ofNullable(tlsFiles.get("peer-key-file"));
  }

  public Optional<String> peerTrustedCaFile() {
    return Optional.ofNullable(tlsFiles.get("peer-trusted-ca-file"));
  }

  private String tlsFile(String flag) {
    String path = tlsFiles.get(flag);
    if (path == null) {
      throw missing("no --" + flag + " flag in the etcd container command");
    }
    return path;
  }

  /**
   * Where the file a flag names lives on this host, for a consumer that opens it: the tool runs on the host, etcd in
   * its container, and the two see the file at different paths when the volume is mounted elsewhere.
   */
  public Path hostFile(String flag) {
    String container = tlsFile(flag);
    String host = hostFiles.get(flag);
    if (host == null) {
      throw missing("--" + flag + " " + container + " is on no hostPath volume of the etcd container, so its"
          + " path on this host is unknown");
    }
    return Path.of(host);
  }

  /**
   * The URL a client on this host should dial: the first advertised client URL that is not a wildcard, else the
   * kubeadm annotation's. A listen URL is never used: {@code 0.0.0.0} and {@code [::]} are where etcd listens, not
   * an address to dial.
   */
  public String clientEndpoint() {
    for (List<String> urls : List.of(advertiseClientUrls, annotatedClientUrls)) {
      for (String url : urls) {
        if (!isWildcard(url)) {
          return url;
        }
      }
    }
    List<String> wildcards = new ArrayList<>(advertiseClientUrls);
    annotatedClientUrls.stream().filter(u -> !wildcards.contains(u)).forEach(wildcards::add);
    if (!wildcards.isEmpty()) {
      throw missing("the advertised client URLs (--advertise-client-urls, else the kubeadm annotation) are only"
          + " the wildcard " + String.join(",", wildcards) + ", which cannot be dialled; pass --endpoints URL");
    }
    throw missing("no --advertise-client-urls flag in the etcd container command and no"
        + " kubeadm.kubernetes.io/etcd.advertise-client-urls annotation; pass --endpoints URL");
  }

  /** The client endpoint, or empty when the manifest gives none that can be dialled. */
  public Optional<String> dialableClientEndpoint() {
    try {
      return Optional.of(clientEndpoint());
    } catch (ManifestException e) {
      return Optional.empty();
    }
  }

  /** {@code 0.0.0.0}, {@code [::]} and its other spellings ({@code [::0:0]}): listen-on-all, not an address. */
  static boolean isWildcard(String url) {
    try {
      HostPort hp = HostPort.ofUrl(url, -1);
      return hp.isIpLiteral() && hp.address().isAnyLocalAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The kubeadm pki directory on this host: the parent of the host directory of {@code etcd/ca.crt}. */
  public Optional<Path> kubernetesPkiDir() {
    String ca = hostFiles.get("trusted-ca-file");
    if (ca == null) {
      return Optional.empty();
    }
    Path dir = Path.of(ca).toAbsolutePath().getParent();
    return Optional.ofNullable(dir == null ? null : dir.getParent());
  }

  private ManifestException missing(String problem) {
    return new ManifestException(manifestPath, problem);
  }
}
