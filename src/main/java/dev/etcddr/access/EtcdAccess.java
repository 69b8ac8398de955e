package dev.etcddr.access;

import dev.etcddr.manifest.EtcdManifest;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.tls.ClientTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Resolved endpoints and loaded, checked TLS credentials. Defaults follow the usual manual procedure on a kubeadm
 * host: the member's advertised client URL, the etcd CA, and the client certificate kubeadm issued to the
 * apiserver ({@code pki/apiserver-etcd-client.*}), falling back to etcd's own server certificate (kubeadm issues
 * it for client auth too). Files are opened at their host paths: the manifest's are the container's view.
 *
 * @param credentialsFrom a short account of where each piece came from, for messages
 */
public record EtcdAccess(List<String> endpoints, ClientTls tls, Duration timeout, String credentialsFrom) {

  public static EtcdAccess resolve(AccessOptions options, ManifestReader reader, Clock clock) {
    boolean complete = !options.endpoints().isEmpty() && options.caFile().isPresent()
        && options.certFile().isPresent() && options.keyFile().isPresent();
    Optional<EtcdManifest> manifest = complete ? Optional.empty() : Optional.of(reader.read(options.manifest()));

    List<String> endpoints = options.endpoints().isEmpty()
        ? List.of(manifest.orElseThrow().clientEndpoint()) : List.copyOf(options.endpoints());
    Path ca = options.caFile().orElseGet(() -> manifest.orElseThrow().hostFile("trusted-ca-file"));
    Path cert;
    Path key;
    String from;
    if (options.certFile().isPresent()) {
      cert = options.certFile().get();
      key = options.keyFile().orElseThrow();
      from = "--cert/--key";
    } else {
      EtcdManifest m = manifest.orElseThrow();
      Optional<Path> pki = m.kubernetesPkiDir();
      Optional<Path> apiserverCert = pki.map(p -> p.resolve("apiserver-etcd-client.crt")).filter(Files::exists);
      Optional<Path> apiserverKey = pki.map(p -> p.resolve("apiserver-etcd-client.key")).filter(Files::exists);
      if (apiserverCert.isPresent() && apiserverKey.isPresent()) {
        cert = apiserverCert.get();
        key = apiserverKey.get();
        from = "kubeadm's apiserver-etcd-client certificate";
      } else {
        cert = m.hostFile("cert-file");
        key = m.hostFile("key-file");
        from = "etcd's server certificate from " + m.manifestPath() + " (no apiserver-etcd-client.crt/.key in "
            + pki.map(Path::toString).orElse("the pki directory") + ")";
      }
    }
    return new EtcdAccess(endpoints, ClientTls.load(ca, cert, key, clock), options.timeout(), from);
  }
}
