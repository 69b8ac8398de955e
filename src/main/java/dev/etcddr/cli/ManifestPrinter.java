package dev.etcddr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.etcddr.Json;
import dev.etcddr.manifest.EtcdManifest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code manifest show} output. The JSON view flattens Optionals to null so its fields are always present. */
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
      Long quotaBackendBytes) {}

  static View view(EtcdManifest m) {
    return new View(m.manifestPath().toString(), m.memberName(), m.dataDir(), m.hostDataDir().orElse(null),
        m.dataVolumeName().orElse(null), m.hostDataDir().isPresent(), m.advertiseClientUrls(), m.listenClientUrls(),
        m.initialAdvertisePeerUrls(), m.listenPeerUrls(), m.initialCluster(), m.initialClusterState().orElse(null),
        m.initialClusterToken().orElse(null), m.certFile(), m.keyFile(), m.trustedCaFile(),
        m.peerCertFile().orElse(null), m.peerKeyFile().orElse(null), m.peerTrustedCaFile().orElse(null), m.image(),
        m.imageTag().orElse(null), m.etcdVersion().orElse(null), m.quotaBackendBytes().orElse(null));
  }

  static void print(EtcdManifest m, boolean json, PrintWriter out) {
    if (json) {
      try {
        out.println(Json.mapper().writeValueAsString(view(m)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("manifest view is not serializable", e);
      }
      out.flush();
      return;
    }
    row(out, "manifest", m.manifestPath().toString());
    row(out, "member name", m.memberName());
    row(out, "data dir", m.dataDir() + " (in the container)");
    row(out, "host data dir", m.hostDataDir().map(h -> h + " (hostPath volume " + m.dataVolumeName().orElse("?") + ")")
        .orElse("NONE: --data-dir is not on a hostPath volume; its data does not survive a restart"));
    row(out, "client URLs", String.join(",", m.advertiseClientUrls()) + " (advertised)");
    row(out, "listen client URLs", String.join(",", m.listenClientUrls()));
    row(out, "peer URLs", String.join(",", m.initialAdvertisePeerUrls()));
    StringBuilder cluster = new StringBuilder();
    m.initialCluster().forEach((name, urls) -> cluster.append(cluster.length() == 0 ? "" : ", ")
        .append(name).append('=').append(String.join("|", urls)));
    row(out, "initial cluster", cluster.toString());
    row(out, "initial cluster state", m.initialClusterState().orElse("(not set: new)"));
    row(out, "initial cluster token", m.initialClusterToken().orElse("(not set: etcd-cluster)"));
    row(out, "server cert/key", m.certFile() + " / " + m.keyFile());
    row(out, "trusted CA", m.trustedCaFile());
    row(out, "peer cert/key", m.peerCertFile().orElse("-") + " / " + m.peerKeyFile().orElse("-"));
    row(out, "image", m.image() + m.etcdVersion().map(v -> " (etcd " + v + ")").orElse(""));
    row(out, "quota backend bytes", m.quotaBackendBytes().map(String::valueOf).orElse("(default: 2 GiB)"));
    out.flush();
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf("%-22s %s%n", label + ":", value);
  }
}
