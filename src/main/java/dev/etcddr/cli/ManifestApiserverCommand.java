package dev.etcddr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.etcddr.Json;
import dev.etcddr.manifest.ApiserverManifest;
import dev.etcddr.manifest.ManifestReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apiserver", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Show where this host's kube-apiserver answers, from its static pod manifest: --advertise-address,"
          + " --secure-port and the /readyz URL a restore waits on. The playbooks ask this instead of parsing"
          + " flags themselves.",
      "",
      "Examples:",
      "  etcd-dr manifest apiserver",
      "  etcd-dr manifest apiserver --host 10.0.0.11 --default-port 6443 -o json"
    })
public final class ManifestApiserverCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/kube-apiserver.yaml",
      description = "The kube-apiserver static pod manifest (default: ${DEFAULT-VALUE}).")
  Path manifest;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address for the URL when the manifest has no --advertise-address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--default-port", paramLabel = "PORT", defaultValue = "6443",
      description = "Port for the URL when the manifest has no --secure-port (default: ${DEFAULT-VALUE}).")
  int defaultPort;

  @Mixin
  OutputOption output;

  /** Stable JSON shape of {@code manifest apiserver -o json}. */
  record View(String manifest, String advertiseAddress, Integer securePort, String readyUrl) {}

  @Override
  public Integer call() throws JsonProcessingException {
    ApiserverManifest m = new ManifestReader().readApiserver(manifest);
    String url = m.readyUrl(host, defaultPort);
    if (output.json()) {
      spec.commandLine().getOut().println(Json.mapper().writeValueAsString(new View(manifest.toString(),
          m.advertiseAddress().orElse(null), m.securePort().orElse(null), url)));
    } else {
      spec.commandLine().getOut().println(url);
    }
    return ExitCodes.OK;
  }
}
