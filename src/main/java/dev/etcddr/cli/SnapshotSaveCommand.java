package dev.etcddr.cli;

import dev.etcddr.snapshot.SaveRequest;
import dev.etcddr.snapshot.SaveResult;
import dev.etcddr.snapshot.SnapshotSaver;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "save", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Save a snapshot of ONE etcd member and prove it intact before it gets its final name.",
      "",
      "The stream is written to FILE.part (mode 0600), its SHA-256 trailer checked (the last 32 bytes hash the"
          + " rest), fsynced and renamed; a sidecar FILE.json records cluster, member, revision, sizes and sha256."
          + " On any failure nothing is left at the final path and no .part remains.",
      "With no flags on a kubeadm control-plane host, everything comes from /etc/kubernetes/manifests/etcd.yaml:"
          + " this host's member, the etcd CA and the apiserver-etcd-client certificate.",
      "",
      "Examples:",
      "  etcd-dr snapshot save                                  # default name in --dir",
      "  etcd-dr snapshot save /backup/etcd.db",
      "  etcd-dr snapshot save --dir /backup -o json \\",
      "      --endpoints https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379"
    })
public final class SnapshotSaveCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE",
      description = "Where to write the snapshot. Default: a name that sorts by time and records cluster, time,"
          + " revision and member, in --dir.")
  Path file;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/var/lib/etcd-dr/snapshots",
      description = "Directory for default-named snapshots, created 0700 if missing (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--force", description = "Replace an existing file at the final path.")
  boolean force;

  @Option(names = "--bundle",
      description = "Also save this host's /etc/kubernetes/pki, static pod manifests and the apiserver's"
          + " --encryption-provider-config as FILE.bundle.tar.gz (0600), listed in the sidecar. Without the"
          + " encryption config a restored cluster cannot read its encrypted Secrets.")
  boolean bundle;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "Your name for this cluster (etcd has none), recorded in the sidecar as cluster_name and shown by"
          + " `snapshot latest`: letters, digits and ._- (up to 63, starting with a letter or digit). The file name"
          + " keeps the cluster ID.")
  String clusterName;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public SnapshotSaveCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    SnapshotFileFlags.check(spec, file, clusterName);
    var progress = new SaveProgressPrinter(spec.commandLine().getErr(), context.terminal() && !output.json());
    SaveResult result = new SnapshotSaver(context.clock(), VersionProvider.version())
        .save(new SaveRequest(access.toOptions(), Optional.ofNullable(file), dir, force, bundle,
            Optional.ofNullable(clusterName)), progress);
    SavePrinter.print(result, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
