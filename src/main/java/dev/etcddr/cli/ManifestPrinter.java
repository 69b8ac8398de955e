package dev.etcddr.cli;

import dev.etcddr.manifest.ApiserverManifest;
import dev.etcddr.manifest.ApiserverProbe;
import dev.etcddr.manifest.EtcdManifest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest show} output. The JSON view flattens Optionals to null so its fields are always present; a flag
 * the manifest lacks is null here rather than an error, since showing is not using.
 */
final class ManifestPrinter {
  private ManifestPrinter() {}

  /** Stable JSON shape of {@code manifest show -o json}. */
  record View(
      String manifest,
      String memberName,
      String dataDir,
      String hostDataDir,
      String dataVolume,
      boolean dataDirOnHostPath,
      List<String> advertiseClientUrls,
      List<String> listenClientUrls,
      List<String> initialAdvertisePeerUrls,
      List<String> listenPeerUrls,
      Map<String, List<String>> initialCluster,
      String initialClusterState,
      String initialClusterToken,
      String certFile,
      String keyFile,
      String trustedCaFile,
      String peerCertFile,
      String peerKeyFile,
      String peerTrustedCaFile,
      String image,
      String imageTag,
      String etcdVersion,
      Long quotaBackendBytes,
      String clientEndpoint,
      boolean initialClusterDerived,
      String hostCertFile,
      String hostKeyFile,
      String hostTrustedCaFile,
      String hostPeerCertFile,
      String hostPeerKeyFile,
      String hostPeerTrustedCaFile) {}

  static View view(EtcdManifest m) {
    Map<String, String> tls = m.tlsFiles();
    Map<String, String> host = m.hostFiles();
    return new View(m.manifestPath().toString(), m.memberName(), m.dataDirFlag().orElse(null),
        m.hostDataDir().orElse(null), m.dataVolumeName().orElse(null), m.hostDataDir().isPresent(),
        m.advertiseClientUrls(), m.listenClientUrls(), m.initialAdvertisePeerUrls(), m.listenPeerUrls(),
        initialCluster(m), m.initialClusterState().orElse(null), m.initialClusterToken().orElse(null),
        tls.get("cert-file"), tls.get("key-file"), tls.get("trusted-ca-file"), tls.get("peer-cert-file"),
        tls.get("peer-key-file"), tls.get("peer-trusted-ca-file"), m.image(), m.imageTag().orElse(null),
        m.etcdVersion().orElse(null), m.quotaBackendBytes().orElse(null), m.dialableClientEndpoint().orElse(null),
        m.initialClusterFlag().isEmpty(), host.get("cert-file"), host.get("key-file"), host.get("trusted-ca-file"),
        host.get("peer-cert-file"), host.get("peer-key-file"), host.get("peer-trusted-ca-file"));
  }

  /** As written, else as etcd derives it from --name and the peer URLs; null when neither is there. */
  private static Map<String, List<String>> initialCluster(EtcdManifest m) {
    if (m.initialClusterFlag().isPresent()) {
      return m.initialClusterFlag().get();
    }
    return m.initialAdvertisePeerUrls().isEmpty() ? null : m.initialCluster();
  }

  /** A container path, with the host path behind it when that differs. */
  private static String file(EtcdManifest m, String flag) {
    String container = m.tlsFiles().get(flag);
    if (container == null) {
      return "-";
    }
    String host = m.hostFiles().get(flag);
    return host == null ? container + " (on no hostPath volume)"
        : host.equals(container) ? container : container + " (host " + host + ")";
  }

  /** Stable JSON shape of the {@code apiserver} object {@code --apiserver-manifest} adds. */
  record ApiserverView(String manifest, boolean present, String advertiseAddress, Integer securePort,
      String readyUrl, String error) {}

  /** {@code apiserver} is null without --apiserver-manifest: the JSON then has no such field. */
  record WithApiserver(@com.fasterxml.jackson.annotation.JsonUnwrapped View member, ApiserverView apiserver) {}

  static ApiserverView view(ApiserverProbe p, String host, int defaultPort) {
    return new ApiserverView(p.manifest().toString(), p.present(),
        p.read().flatMap(ApiserverManifest::advertiseAddress).orElse(null),
        p.read().flatMap(ApiserverManifest::securePort).orElse(null),
        p.read().map(a -> a.readyUrl(host, defaultPort)).orElse(null), p.error().orElse(null));
  }

  static void print(EtcdManifest m, ApiserverProbe apiserver, String host, int defaultPort, boolean json,
      PrintWriter out) {
    if (json) {
      OutputOption.printJson(out, apiserver == null ? view(m)
          : new WithApiserver(view(m), view(apiserver, host, defaultPort)));
      out.flush();
      return;
    }
    row(out, "manifest", m.manifestPath().toString());
    row(out, "member name", m.memberName());
    row(out, "data dir", m.dataDirFlag().map(d -> d + " (in the container)").orElse("(no --data-dir flag)"));
    row(out, "host data dir", m.hostDataDir().map(h -> h + " (hostPath volume " + m.dataVolumeName().orElse("?") + ")")
        .orElse("NONE: --data-dir is not on a hostPath volume; its data does not survive a restart"));
    row(out, "client URLs", String.join(",", m.advertiseClientUrls()) + " (advertised)");
    row(out, "client endpoint", m.dialableClientEndpoint().orElse("NONE: no advertised client URL can be dialled"));
    row(out, "listen client URLs", String.join(",", m.listenClientUrls()));
    row(out, "peer URLs", String.join(",", m.initialAdvertisePeerUrls()));
    StringBuilder cluster = new StringBuilder();
    Map<String, List<String>> members = initialCluster(m);
    (members == null ? Map.<String, List<String>>of() : members).forEach((name, urls) -> cluster.append(cluster.length() == 0 ? "" : ", ")
        .append(name).append('=').append(String.join("|", urls)));
    row(out, "initial cluster", cluster + (m.initialClusterFlag().isEmpty() && members != null
        ? " (no --initial-cluster: etcd uses --name=--initial-advertise-peer-urls)" : ""));
    row(out, "initial cluster state", m.initialClusterState().orElse("(not set: new)"));
    row(out, "initial cluster token", m.initialClusterToken().orElse("(not set: etcd-cluster)"));
    row(out, "server cert/key", file(m, "cert-file") + " / " + file(m, "key-file"));
    row(out, "trusted CA", file(m, "trusted-ca-file"));
    row(out, "peer cert/key", file(m, "peer-cert-file") + " / " + file(m, "peer-key-file"));
    row(out, "image", m.image() + m.etcdVersion().map(v -> " (etcd " + v + ")").orElse(""));
    row(out, "quota backend bytes", m.quotaBackendBytes().map(String::valueOf).orElse("(default: 2 GiB)"));
    if (apiserver != null) {
      ApiserverView a = view(apiserver, host, defaultPort);
      row(out, "apiserver /readyz", a.readyUrl() != null ? a.readyUrl()
          : a.present() ? "REFUSED: " + a.error() : "(no " + a.manifest() + ")");
    }
    out.flush();
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf("%-22s %s%n", label + ":", value);
  }
}
