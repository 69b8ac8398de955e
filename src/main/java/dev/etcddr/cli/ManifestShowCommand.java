package dev.etcddr.cli;

import dev.etcddr.manifest.ApiserverProbe;
import dev.etcddr.manifest.ManifestReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Show what this host's etcd static pod manifest says about its member: name, data dir (the container's"
          + " --data-dir and the host directory behind it), URLs, initial cluster, certificates, image and version.",
      "",
      "Examples:",
      "  etcd-dr manifest show",
      "  etcd-dr manifest show --manifest /etc/kubernetes/manifests/etcd.yaml -o json",
      "  etcd-dr manifest show --apiserver-manifest /etc/kubernetes/manifests/kube-apiserver.yaml --apiserver-host"
          + " 10.0.0.11 -o json"
    })
public final class ManifestShowCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "The kubeadm etcd static pod manifest (default: ${DEFAULT-VALUE}).")
  Path manifest;

  @Option(names = "--apiserver-manifest", paramLabel = "PATH",
      description = "Also read this kube-apiserver manifest, as `manifest apiserver` does (one JVM start instead of"
          + " two): its /readyz URL, or that the file is absent, or why it is refused. A refused apiserver"
          + " manifest is reported, not an error: the etcd manifest is still shown.")
  Path apiserverManifest;

  @Option(names = "--apiserver-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "With --apiserver-manifest: the address for the URL when it has no --advertise-address"
          + " (default: ${DEFAULT-VALUE}).")
  String apiserverHost;

  @Option(names = "--apiserver-default-port", paramLabel = "PORT", defaultValue = "6443",
      description = "With --apiserver-manifest: the port when it has no --secure-port (default: ${DEFAULT-VALUE}).")
  int apiserverDefaultPort;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    ManifestReader reader = new ManifestReader();
    var member = reader.read(manifest);
    ApiserverProbe apiserver = apiserverManifest == null ? null : ApiserverProbe.of(reader, apiserverManifest);
    ManifestPrinter.print(member, apiserver, apiserverHost, apiserverDefaultPort, output.json(),
        spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
