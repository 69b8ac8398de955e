package dev.etcddr.cli;

import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.snapshot.DataDirExport;
import dev.etcddr.snapshot.ExportRequest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Turn this host's stopped member's data into a snapshot file: for when quorum is lost and a surviving"
          + " member's data dir is newer than the newest snapshot. etcd must be stopped on this host (refused, exit"
          + " 7, while a process holds the db open or the db changes during the copy). The data dir is only read.",
      "",
      "The copy of member/snap/db is checked as `snapshot verify --skip-hash-check` checks a raw db (refused,"
          + " exit 6, when it fails), gets the SHA-256 trailer `snapshot save` gives its files, and a sidecar: the"
          + " cluster and member ID from the WAL, taken_at the db's last write (the time its data is from),"
          + " endpoint datadir:<dir>. So restore, drill, push and `snapshot latest` treat it as any snapshot;"
          + " restore it with a --bump-revision, as any snapshot.",
      "",
      "-o json: as snapshot save.",
      "",
      "Example:",
      "  etcd-dr datadir export --dir /var/lib/etcd-dr/exports --cluster-name prod-eu1 -o json"
    })
public final class DatadirExportCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE",
      description = "Where to write the snapshot. Default: the name snapshot save gives, in --dir.")
  Path file;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/var/lib/etcd-dr/exports",
      description = "Directory for default-named files, created 0700 if missing (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--manifest", paramLabel = "PATH", defaultValue = "/etc/kubernetes/manifests/etcd.yaml",
      description = "The member's manifest: its data dir (host path) and name (default: ${DEFAULT-VALUE}).")
  Path manifest = ManifestReader.DEFAULT_PATH;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Export this data dir instead of the manifest's (e.g. one moved aside); with --name.")
  Path dataDir;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The member name for the file name and sidecar with --data-dir (default: the manifest's).")
  String name;

  @Option(names = "--force", description = "Replace an existing file at the final path.")
  boolean force;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "Your name for this cluster, recorded in the sidecar as cluster_name, as snapshot save does.")
  String clusterName;

  @Mixin
  OutputOption output;

  public DatadirExportCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    SnapshotFileFlags.check(spec, file, clusterName);
    if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new ParameterException(spec.commandLine(), "--name '" + name + "': use letters, digits and . _ -");
    }
    var result = new DataDirExport(context.clock(), VersionProvider.version()).export(new ExportRequest(manifest,
        Optional.ofNullable(dataDir), Optional.ofNullable(name), Optional.ofNullable(file), dir,
        Optional.ofNullable(clusterName), force));
    SavePrinter.print(result, output.json(), spec.commandLine().getOut(), true);
    return ExitCodes.OK;
  }
}
