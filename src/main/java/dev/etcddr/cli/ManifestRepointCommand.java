package dev.etcddr.cli;

import dev.etcddr.manifest.ManifestRepointer;
import dev.etcddr.manifest.RepointedManifest;
import dev.etcddr.restore.ManifestCopyWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "repoint", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Write a copy of this host's etcd static pod manifest whose member uses another data dir, such as the one"
          + " 'snapshot restore' just built. The original manifest is never modified: it stays as it is, for"
          + " rollback.",
      "",
      "In the copy, every --data-dir of the etcd container, the mountPath of the hostPath volume over the data dir"
          + " (kubeadm: etcd-data) and that volume's hostPath all become DIR, as kubeadm lays them out. Everything"
          + " else is kept (comments are not). Refused: a data dir on no hostPath volume (its data would not survive"
          + " a restart), a volume also mounted elsewhere, --wal-dir, --config-file.",
      "",
      "The copy is written to a hidden temporary file beside FILE (mode 0600), synced and renamed into place;"
          + " FILE's directory must exist and must not be the manifest's (kubelet would run the copy too). Move the"
          + " copy into the manifests directory only after moving the original aside.",
      "",
      "Example:",
      "  etcd-dr manifest repoint --manifest /etc/kubernetes/manifests/etcd.yaml \\",
      "      --data-dir /var/lib/etcd-restore-20261127T190000Z \\",
      "      --out /etc/kubernetes/etcd-dr/restores/20261127T190000Z/etcd.yaml -o json"
    })
public final class ManifestRepointCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", required = true,
      description = "The new data dir: an absolute, normalized host path (the --data-dir given to 'snapshot"
          + " restore').")
  String dataDir;

  @Mixin
  ManifestCopyMixin copy;

  @Mixin
  OutputOption output;

  /** Stable JSON shape of {@code manifest repoint -o json}. */
  record View(String manifest, String out, String volume, String oldDataDir, String newDataDir,
      String oldHostPath, String newHostPath) {}

  @Override
  public Integer call() {
    if (!ManifestRepointer.isAbsoluteNormalized(dataDir)) {
      String normal = dataDir.isEmpty() ? "" : Path.of(dataDir).normalize().toString();
      throw new ParameterException(spec.commandLine(), "--data-dir '" + dataDir + "' must be an absolute,"
          + " normalized path" + (normal.startsWith("/") && !normal.equals("/") ? " (" + normal + "?)" : ""));
    }
    RepointedManifest r = new ManifestCopyWriter().repoint(copy.manifest, dataDir, copy.out, copy.force);
    print(r);
    return ExitCodes.OK;
  }

  private void print(RepointedManifest r) {
    PrintWriter w = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(w, new View(r.manifest().toString(), copy.out.toString(),
            r.volume(), r.oldDataDir(), r.newDataDir(), r.oldHostPath(), r.newHostPath()));
    } else {
      String paths = r.oldMountPath().equals(r.oldHostPath())
          ? "mountPath and hostPath " + r.oldHostPath()
          : "mountPath " + r.oldMountPath() + " and hostPath " + r.oldHostPath();
      w.printf("wrote %s: data dir %s → %s (--data-dir; volume %s: %s → %s); %s unchanged%n", copy.out,
          r.oldDataDir(), r.newDataDir(), r.volume(), paths, r.newHostPath(), r.manifest());
    }
    w.flush();
  }
}
