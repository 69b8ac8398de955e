package dev.etcddr.cli;

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
      "  etcd-dr manifest show --manifest /etc/kubernetes/manifests/etcd.yaml -o json"
    })
public final class ManifestShowCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "The kubeadm etcd static pod manifest (default: ${DEFAULT-VALUE}).")
  Path manifest;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    var member = new ManifestReader().read(manifest);
    ManifestPrinter.print(member, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
