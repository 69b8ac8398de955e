package dev.etcddr.cli;

import dev.etcddr.access.AccessOptions;
import dev.etcddr.manifest.ManifestReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options that say how to reach etcd; what is not given comes from this host's etcd manifest. */
public final class AccessMixin {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "kubeadm etcd static pod manifest to read defaults from (default: ${DEFAULT-VALUE}).")
  Path manifest = ManifestReader.DEFAULT_PATH;

  @Option(names = "--endpoints", paramLabel = "URL", split = ",",
      description = "etcd client URL(s). Default: this host's member, from the manifest's --advertise-client-urls."
          + " With several, snapshot save uses the healthy member with the highest revision; cluster health checks"
          + " every one.")
  List<String> endpoints = new ArrayList<>();

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "CA that signed etcd's server certificate. Default: the manifest's --trusted-ca-file.")
  Path caFile;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "Client certificate. Default: <pki>/apiserver-etcd-client.crt (kubeadm), else the manifest's"
          + " --cert-file.")
  Path certFile;

  @Option(names = "--key", paramLabel = "FILE", description = "Client key for --cert (PKCS#1, PKCS#8 or SEC1 PEM).")
  Path keyFile;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long a member may take to answer, and the longest pause allowed in a snapshot stream"
          + " (e.g. 10s, 2m; default: ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofSeconds(10);

  AccessOptions toOptions() {
    if ((certFile == null) != (keyFile == null)) {
      throw new ParameterException(spec.commandLine(), "--cert and --key go together: give both or neither");
    }
    return new AccessOptions(manifest, List.copyOf(endpoints), Optional.ofNullable(caFile),
        Optional.ofNullable(certFile), Optional.ofNullable(keyFile), timeout);
  }
}
