package dev.etcddr.manifest;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a host's kube-apiserver answers, as its static pod manifest says: {@code --advertise-address} and
 * {@code --secure-port}, read by the same flag parser as etcd's manifest (both flag forms, last one wins), so the
 * playbooks never re-parse a command line.
 *
 * @param manifest the file read
 * @param advertiseAddress the flag's value, or empty when the manifest has none
 * @param securePort the flag's value, or empty when the manifest has none
 * @param encryptionProviderConfig {@code --encryption-provider-config}: the EncryptionConfiguration whose keys the
 *     apiserver reads encrypted values with, or empty when it encrypts nothing
 */
public record ApiserverManifest(Path manifest, Optional<String> advertiseAddress, Optional<Integer> securePort,
    Optional<Path> encryptionProviderConfig) {
  public static final Path DEFAULT_PATH = Path.of("/etc/kubernetes/manifests/kube-apiserver.yaml");

  /**
   * The {@code /readyz} URL: the advertise address (else {@code fallbackHost}, the address the host is reached
   * at) and the secure port (else {@code defaultPort}); IPv6 literals in brackets.
   */
  public String readyUrl(String fallbackHost, int defaultPort) {
    String host = advertiseAddress.orElse(fallbackHost);
    String inUrl = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "https://" + inUrl + ":" + securePort.orElse(defaultPort) + "/readyz";
  }
}
