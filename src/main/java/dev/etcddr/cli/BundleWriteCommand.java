package dev.etcddr.cli;

import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.packing.HostBundlePacker;
import dev.etcddr.packing.HostBundleResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "write", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Write this host's own bundle: the pki dir the etcd manifest names (kubeadm: /etc/kubernetes/pki), every"
          + " static pod manifest beside it, and the kube-apiserver's --encryption-provider-config file. The same"
          + " archive `snapshot save --bundle` writes for the host it runs on; backup.yml writes one on every"
          + " control-plane host, because each host's serving and peer certificates and manifests are its own.",
      "A .tar.gz, 0600, written under a .part name and renamed when complete.",
      "With --age-recipient or --age-recipients-file (read as `snapshot pack` reads them) the bundle, which holds"
          + " the cluster's CA keys, leaves the host only encrypted: --out must end in .tar.gz.age; the .tar.gz is"
          + " written to a hidden 0600 file beside --out, encrypted to --out (.part, then renamed) and removed,"
          + " also when the run fails. Beside an encrypted packed snapshot P, name it P.bundle.HOST.tar.gz.age (what"
          + " `snapshot attach-bundles P` expects) and give the recipients P was packed to. Only public keys are"
          + " needed here; it opens with: age -d -i KEY -o B.tar.gz B.tar.gz.age",
      "-o json: file, size, sha256 (of --out), encryption_config, entries, encryption (\"age\" or null),"
          + " recipients ([] when plain), raw_size, raw_sha256 (of the .tar.gz; equal to size and sha256 when"
          + " plain).",
      "",
      "Examples:",
      "  etcd-dr bundle write --out /var/lib/etcd-dr/snapshots/SNAPSHOT.bundle.cp2.tar.gz -o json",
      "  etcd-dr bundle write --out /var/lib/etcd-dr/snapshots/SNAPSHOT.zst.age.bundle.cp2.tar.gz.age"
          + " --age-recipients-file /etc/etcd-dr/recipients.txt -o json"
    })
public final class BundleWriteCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The archive to write; with recipients, a name ending in .tar.gz.age.")
  Path out;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "This host's etcd manifest: its folder is the manifests dir, its CA paths name the pki dir"
          + " (default: ${DEFAULT-VALUE}).")
  Path manifest = ManifestReader.DEFAULT_PATH;

  @Option(names = "--force", description = "Replace an existing file at --out.")
  boolean force;

  @Mixin
  AgeRecipientsOption age;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    boolean encrypt = age.any();
    String name = out.getFileName() == null ? "" : out.getFileName().toString();
    if (encrypt && (!name.endsWith(HostBundlePacker.ENCRYPTED_SUFFIX)
        || name.length() == HostBundlePacker.ENCRYPTED_SUFFIX.length())) {
      throw new ParameterException(spec.commandLine(), "--out " + out + ": with --age-recipient or"
          + " --age-recipients-file the bundle is encrypted, so its name must end in "
          + HostBundlePacker.ENCRYPTED_SUFFIX + " (e.g. " + name + (name.endsWith(".tar.gz") ? ".age" : ".tar.gz.age")
          + ")");
    }
    if (!encrypt && name.endsWith(".age")) {
      // A plain tar.gz under an encrypted name would be taken for ciphertext by whoever finds it, and the CA keys
      // in it would sit in the clear where an encrypted file was expected.
      throw new ParameterException(spec.commandLine(), "--out " + out + ": a name ending in .age is for an"
          + " encrypted bundle; give --age-recipient or --age-recipients-file, or name it "
          + name.substring(0, name.length() - ".age".length()));
    }
    HostBundleResult w = HostBundlePacker.write(out, manifest, force, age.given(), age.file());
    PrintWriter o = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(o, w);
    } else {
      o.printf("%s  %d files  %s  sha256 %s%s%n", w.file(), w.entries(), Sizes.human(w.size()), w.sha256(),
          w.encryption() == null ? "" : "  age to " + w.recipients().size() + " recipient"
              + (w.recipients().size() == 1 ? "" : "s"));
    }
    o.flush();
    return ExitCodes.OK;
  }
}
