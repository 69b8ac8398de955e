package dev.etcddr.cli;

import dev.etcddr.restore.DataDirRollback;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Undo 'snapshot restore --in-place --restore-id ID' (etcd stopped), from whatever point it reached, even one a"
          + " power cut left. D is the host dir behind the manifest's --data-dir; the manifest is only read.",
      "",
      "If D/etcd-dr-ID/original/member exists: rename D/member (if there) to D/etcd-dr-ID/rolled-back/member, then"
          + " D/etcd-dr-ID/original/member to D/member. Renames only, inside D, each made durable; nothing is"
          + " deleted. If only D/member exists there is nothing to do, and the status says why: already_rolled_back,"
          + " never_swapped (the restore stopped before moving the original), never_started (no D/etcd-dr-ID)."
          + " Neither: exit 12. Running it twice is safe.",
      "",
      "Example:",
      "  etcd-dr datadir rollback --manifest /etc/kubernetes/manifests/etcd.yaml \\",
      "      --restore-id 20261127T190000Z -o json"
    })
public final class DatadirRollbackCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "The kubeadm etcd static pod manifest whose data dir was restored; only read (default:"
          + " ${DEFAULT-VALUE}).")
  Path manifest;

  @Option(names = "--restore-id", paramLabel = "ID", required = true,
      description = "The --restore-id of the in-place restore to undo.")
  String restoreId;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    InPlacePrinter.print(spec.commandLine().getOut(), output.json(),
        new DataDirRollback().rollback(manifest, restoreId));
    return ExitCodes.OK;
  }
}
