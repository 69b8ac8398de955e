package dev.etcddr.cli;

import dev.etcddr.manifest.ApiserverManifest;
import dev.etcddr.undelete.Undelete;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "undelete", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Bring keys back from a snapshot into the running cluster, leaving everything else as it is: the snapshot's"
          + " keys under --prefix (or those named by --only) that are absent live are written with their exact"
          + " bytes, each in a transaction that succeeds only while the key is still absent. A key present live"
          + " (written or recreated since) is left alone unless named by --overwrite, and then replaced only if"
          + " unchanged since this call read it. The apiservers keep running and see the creates through their"
          + " watches.",
      "",
      "Held back, with the reason, unless --write-held: keys on a lease (events, master leases: they expire by"
          + " design), objects whose owner is gone and not being brought back (the garbage collector would delete"
          + " them again), and values encrypted with a key the apiserver's EncryptionConfiguration no longer has."
          + " --dry-run plans and lists, and writes nothing. Run it twice and the second run writes nothing.",
      "",
      "-o json fields (stable): snapshot, snapshot_revision, endpoint, live_revision, dry_run, would_write[] {key,"
          + " kind, namespace, name, uid, value_bytes, overwrite, held}, written[] {key, revision}, raced[] {key,"
          + " create_revision, mod_revision} (the guard refused: written by someone else meanwhile), held[] {key,"
          + " kind, namespace, name, reason (leased|owner_missing|encryption_key_missing), detail}, present[] {key,"
          + " snapshot_mod_revision, live_create_revision, live_mod_revision, recreated, unchanged}.",
      "",
      "Examples:",
      "  etcd-dr snapshot undelete /backup/etcd.db --prefix /registry/services/specs/shop/ --dry-run",
      "  etcd-dr snapshot undelete /backup/etcd.db --prefix /registry/configmaps/shop/ -o json",
      "  etcd-dr snapshot undelete /backup/etcd.db --only /registry/secrets/shop/db --only /registry/services/specs/shop/db"
    })
public final class SnapshotUndeleteCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot, or a raw bbolt db (member/snap/db).")
  Path file;

  @Option(names = "--prefix", paramLabel = "PREFIX",
      description = "Bring back the keys that start with PREFIX, e.g. /registry/services/specs/shop/.")
  String prefix;

  @Option(names = "--only", paramLabel = "KEY",
      description = "Bring back this whole key (repeatable, instead of --prefix); one the snapshot does not hold"
          + " fails the call before anything is written.")
  List<String> only = List.of();

  @Option(names = "--overwrite", paramLabel = "KEY",
      description = "Replace this key (repeatable; one of those asked for) with the snapshot's value even when it"
          + " exists live, as long as it is not written again while this call runs.")
  List<String> overwrite = List.of();

  @Option(names = "--dry-run", description = "Plan and list what would be written; write nothing.")
  boolean dryRun;

  @Option(names = "--write-held", description = "Write the held-back keys too (they are still listed as held).")
  boolean writeHeld;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "64",
      description = "Transactions in flight at once (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--apiserver-manifest", paramLabel = "PATH",
      defaultValue = "/etc/kubernetes/manifests/kube-apiserver.yaml",
      description = "The kube-apiserver manifest whose --encryption-provider-config tells which encryption keys the"
          + " apiserver has (default: ${DEFAULT-VALUE}); read only when an encrypted value is to come back.")
  Path apiserverManifest = ApiserverManifest.DEFAULT_PATH;

  @Option(names = "--encryption-config", paramLabel = "FILE",
      description = "The apiserver's EncryptionConfiguration, instead of the one its manifest names.")
  Path encryptionConfig;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public SnapshotUndeleteCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Undelete.Result r = Undelete.run(new Undelete.Request(file, prefix == null ? "" : prefix,
        new LinkedHashSet<>(only), new LinkedHashSet<>(overwrite), dryRun, writeHeld, batch, access.toOptions(),
        new Undelete.EncryptionSource(encryptionConfig, apiserverManifest)), context.clock());
    UndeletePrinter.print(r, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
