package dev.etcddr.cli;

import dev.etcddr.manifest.EtcdManifest;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.restore.InPlaceRestorer;
import dev.etcddr.restore.InPlaceResult;
import dev.etcddr.restore.RestoreFlags;
import dev.etcddr.restore.RestoreResult;
import dev.etcddr.restore.Restorer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Build ONE member's data dir from a snapshot, without etcd: member/snap/db (membership replaced,"
          + " consistent index reset), member/snap/*.snap and member/wal/*.wal that start a fresh cluster of exactly"
          + " the given members. Same member and cluster IDs as `etcdutl snapshot restore`; flags named as etcdutl"
          + " names them.",
      "The snapshot's SHA-256 is checked before anything is written; the data dir must not exist or be empty; it is"
          + " built in a hidden sibling dir and renamed into place, so a failure leaves nothing behind.",
      "FILE may be packed (snapshot pack: .zst, .age, .zst.age; encrypted ones need --age-identity): it is"
          + " unpacked into a private dir beside the data dir (with --in-place: in D), checked against its sidecar"
          + " and removed afterwards; a key that does not open it is refused before anything is written.",
      "Run it on EVERY member with the SAME snapshot and the SAME new --initial-cluster-token (the restore playbook"
          + " does this).",
      "",
      "--in-place (needs --manifest and --restore-id ID; etcd stopped): the manifest is not touched and its data"
          + " dir keeps its path. D, the host dir behind --data-dir, gets the restored member in D/member; every"
          + " other file lives in D/etcd-dr-ID/, so each move is a rename on D's filesystem (a mount point works):",
      "  1. build D/etcd-dr-ID/restored/member (restore.json there records which restore the ID is)",
      "  2. rename D/member to D/etcd-dr-ID/original/member   (kept: never copied, never deleted)",
      "  3. rename D/etcd-dr-ID/restored/member to D/member",
      "Every check runs before step 1; --dry-run runs them all and says what it would do. Refused: the manifest"
          + " rules of 'manifest repoint', an existing D/etcd-dr-ID of another restore, no D/member dir, member or"
          + " WAL on another filesystem or behind a link, less free space on D than --space-factor × the snapshot + 128 MB,"
          + " D not writable. Interrupted (even by a power cut), the same command finishes it (status resumed);"
          + " after it finished, it changes nothing (status already_restored). Undo: 'etcd-dr datadir rollback'.",
      "",
      "Examples:",
      "  etcd-dr snapshot restore etcd.db --manifest /etc/kubernetes/manifests/etcd.yaml \\",
      "      --initial-cluster-token restore-20261127 --data-dir /var/lib/etcd-restore-20261127 \\",
      "      --bump-revision 1000000000 --mark-compacted",
      "  etcd-dr snapshot restore etcd.db --name m1 --initial-cluster m1=https://10.0.0.1:2380 \\",
      "      --initial-advertise-peer-urls https://10.0.0.1:2380 --data-dir /var/lib/etcd-new -o json",
      "  etcd-dr snapshot restore etcd.db --manifest /etc/kubernetes/manifests/etcd.yaml --in-place \\",
      "      --restore-id 20261127T190000Z --initial-cluster-token restore-20261127 --dry-run -o json",
      "  (then the same without --dry-run; undo: etcd-dr datadir rollback --restore-id 20261127T190000Z)"
    })
public final class SnapshotRestoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot to restore.")
  Path file;

  @Option(names = "--manifest", paramLabel = "PATH",
      description = "Take --name, --initial-cluster, --initial-advertise-peer-urls and --data-dir (the host path"
          + " behind the etcd-data volume) from this host's etcd manifest; flags given override them.")
  Path manifest;

  @Option(names = "--name", paramLabel = "NAME", description = "This member's name (default: default).")
  String name;

  @Option(names = "--initial-cluster", paramLabel = "NAME=URL,...",
      description = "Every member of the restored cluster (default: default=http://localhost:2380).")
  String initialCluster;

  @Option(names = "--initial-cluster-token", paramLabel = "TOKEN", defaultValue = "etcd-cluster",
      description = "Hashed into every member ID; use a NEW one per restore (default: ${DEFAULT-VALUE}).")
  String token;

  @Option(names = "--initial-advertise-peer-urls", paramLabel = "URL", split = ",",
      description = "This member's peer URLs (default: http://localhost:2380).")
  List<String> peerUrls;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "The data dir to create (default: NAME.etcd)."
      + " Missing parents are created 0700, as etcdutl creates them, and removed again if the restore fails.")
  Path dataDir;

  @Option(names = "--skip-hash-check", description = "Restore a file without a SHA-256 trailer (a raw db copy).")
  boolean skipHashCheck;

  @Option(names = "--bump-revision", paramLabel = "N", defaultValue = "0",
      description = "Start revisions N above the snapshot's, so they never go backwards for watchers; needs"
          + " --mark-compacted.")
  long bumpRevision;

  @Option(names = "--mark-compacted", description = "Mark every revision up to the bumped one compacted.")
  boolean markCompacted;

  @Option(names = "--in-place", description = "Restore into the manifest's own data dir (see above); the old member"
      + " is kept in D/etcd-dr-ID/original/member.")
  boolean inPlace;

  @Option(names = "--restore-id", paramLabel = "ID", description = "With --in-place: names D/etcd-dr-ID (1-64 of"
      + " [A-Za-z0-9._-]); the same ID again resumes or reports that restore, 'datadir rollback' undoes it.")
  String restoreId;

  @Option(names = {"--dry-run", "--check"}, description = "With --in-place: run every check, write nothing, say what"
      + " would be done.")
  boolean dryRun;

  @Option(names = "--space-factor", paramLabel = "F", defaultValue = "2",
      description = "With --in-place: free space needed on D's filesystem, in snapshot sizes, plus 128 MB for etcd's"
          + " WAL (default: ${DEFAULT-VALUE}).")
  double spaceFactor;

  @Mixin
  AgeIdentityOption ageIdentity;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    RestoreFlags flags = new RestoreFlags(name, initialCluster, token, peerUrls, skipHashCheck, bumpRevision,
        markCompacted);
    if (inPlace) {
      refuse(manifest == null, "--in-place needs --manifest (the data dir is the manifest's)");
      refuse(restoreId == null, "--in-place needs --restore-id ID");
      refuse(dataDir != null, "--in-place restores into the manifest's data dir; drop --data-dir");
      InPlaceResult r = new InPlaceRestorer().restore(new InPlaceRestorer.Request(file, manifest, restoreId, flags,
          spaceFactor, dryRun, ageIdentity.get()));
      InPlacePrinter.print(spec.commandLine().getOut(), output.json(), r);
      return ExitCodes.OK;
    }
    refuse(restoreId != null || dryRun || spec.commandLine().getParseResult().hasMatchedOption("--space-factor"),
        "--restore-id, --dry-run and --space-factor go with --in-place");
    EtcdManifest m = manifest == null ? null : new ManifestReader().read(manifest);
    print(new Restorer().restore(flags.toConfig(file, m, dataDir), ageIdentity.get()));
    return ExitCodes.OK;
  }

  private void refuse(boolean bad, String why) {
    if (bad) {
      throw new ParameterException(spec.commandLine(), why);
    }
  }

  private void print(RestoreResult r) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOption.printJson(out, r);
    } else {
      out.printf("restored %s as member %s (%s) of cluster %s%n", r.dataDir(), r.name(), r.memberId(),
          r.clusterId());
      r.members().forEach(m -> out.printf("  member %s %s %s%n", m.name(), m.id(), String.join(",", m.peerUrls())));
      out.printf("  revision %d%s%n", r.revisionAfter(), r.revisionAfter() != r.revisionBefore()
          ? " (snapshot at " + r.revisionBefore() + ", bumped; older revisions read as compacted)" : "");
      r.files().forEach(f -> out.println("  wrote " + f));
    }
    out.flush();
  }
}
