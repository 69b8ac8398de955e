package dev.etcddr.cli;

import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.snapshot.HostBundles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "write", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Write this host's own bundle: the pki dir the etcd manifest names (kubeadm: /etc/kubernetes/pki), every"
          + " static pod manifest beside it, and the kube-apiserver's --encryption-provider-config file. The same"
          + " archive `snapshot save --bundle` writes for the host it runs on; backup.yml writes one on every"
          + " control-plane host, because each host's serving and peer certificates and manifests are its own.",
      "A .tar.gz, 0600, written under a .part name and renamed when complete. -o json: file, size, sha256,"
          + " encryption_config, entries.",
      "",
      "Example:",
      "  etcd-dr bundle write --out /var/lib/etcd-dr/snapshots/SNAPSHOT.bundle.cp2.tar.gz -o json"
    })
public final class BundleWriteCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The archive to write.")
  Path out;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "This host's etcd manifest: its folder is the manifests dir, its CA paths name the pki dir"
          + " (default: ${DEFAULT-VALUE}).")
  Path manifest = ManifestReader.DEFAULT_PATH;

  @Option(names = "--force", description = "Replace an existing file at --out.")
  boolean force;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    HostBundles.Written w = HostBundles.write(out, manifest, force);
    if (output.json()) {
      OutputOption.printJson(spec.commandLine().getOut(), w);
    } else {
      spec.commandLine().getOut().printf("%s  %d files  %s  sha256 %s%n", w.file(), w.entries(), Sizes.human(w.size()),
          w.sha256());
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
