package dev.etcddr.cli;

import dev.etcddr.snapshot.BundleRestore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Put this host's own bundle back after the host was rebuilt with an empty /etc/kubernetes: the PKI and the"
          + " apiserver's encryption config go back to their paths, the static pod manifests go to --manifests-to"
          + " (never into the kubelet's dir: nothing starts until you move them, or replace-member.yml does).",
      "Only missing files are written, each under a .part name first. A file already there with the bundle's"
          + " bytes is left alone; one with other bytes is refused (exit 7) and then nothing is written at all.",
      "An entry that is not a plain path, a damaged archive (exit 6), or more than one file outside the pki and"
          + " manifests dirs is refused the same way. -o json: bundle, restored, present, manifests_to, dry_run.",
      "",
      "Example:",
      "  etcd-dr bundle restore SNAPSHOT.bundle.cp3.tar.gz --manifests-to /var/lib/etcd-dr/rebuilt --dry-run"
    })
public final class BundleRestoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "BUNDLE", description = "This host's bundle (NAME.bundle.HOST.tar.gz).")
  Path bundle;

  @Option(names = "--pki-dir", paramLabel = "DIR", defaultValue = "/etc/kubernetes/pki",
      description = "Where the bundle's PKI goes back (default: ${DEFAULT-VALUE}).")
  Path pkiDir;

  @Option(names = "--manifests-dir", paramLabel = "DIR", defaultValue = "/etc/kubernetes/manifests",
      description = "The manifests dir the bundle was taken from (default: ${DEFAULT-VALUE}).")
  Path manifestsDir;

  @Option(names = "--manifests-to", required = true, paramLabel = "DIR",
      description = "Where the bundle's static pod manifests are written (created 0700).")
  Path manifestsTo;

  @Option(names = "--dry-run", description = "Check the bundle and say what would be written; write nothing.")
  boolean dryRun;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    BundleRestore.Result r = BundleRestore.restore(bundle, pkiDir, manifestsDir, manifestsTo, dryRun);
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, r);
    } else {
      String verb = r.dryRun() ? "would restore " : "restored ";
      r.restored().forEach(p -> out.println(verb + p));
      r.present().forEach(p -> out.println("already there " + p));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
