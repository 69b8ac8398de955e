package dev.etcddr.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "latest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Name the newest snapshot in a store that is proven intact - the one a restore or drill should use.",
      "",
      "Newest by the UTC time in the file name (then revision, then name), never by mtime: copying, rsync without"
          + " -t, a restore from tape or a touch changes mtimes, while the name records when etcd was asked.",
      "Verified means: the sidecar NAME.json is there, parses, names this file, and the file's size and SHA-256"
          + " (hashed now, over the network for sftp:// and s3://, whatever an object's metadata says) equal the"
          + " sidecar's; a bundle the sidecar names is there with its SHA-256. A newer candidate that fails is skipped"
          + " with the reason and the next older one is tried.",
      "Text output: the path (the file name for sftp:// and s3://) on stdout, skipped candidates on stderr. -o json:"
          + " store, file, path (null for sftp:// and s3://), cluster_id, cluster_name, taken_at, revision, member,"
          + " size, sha256, checked, skipped [{file, reason}], host_bundles [{host, file, size, sha256}]. No verified"
          + " snapshot at all: exit 8.",
      "--host-bundle HOST takes the newest verified set that also holds HOST's own bundle (its PKI and static pod"
          + " manifests), the one replace-member.yml rebuilds an emptied host from.",
      "",
      "Examples:",
      "  etcd-dr snapshot latest /srv/etcd-backups/prod",
      "  etcd-dr snapshot latest /srv/etcd-backups/prod --host-bundle cp3 -o json",
      "  etcd-dr snapshot latest sftp://backup@10.0.0.9/srv/etcd/prod -o json \\",
      "      --identity ~/.ssh/id_ed25519 --known-hosts ~/.ssh/known_hosts"
    })
public final class SnapshotLatestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "STORE", description = "Directory, sftp:// or s3:// URL.")
  String location;

  @Option(names = "--host-bundle", paramLabel = "HOST", description = "Only a set whose sidecar lists HOST's own"
      + " bundle.")
  String hostBundle;

  @Mixin
  StoreMixin store;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    StorePrinter.print(store.operations().latest(location, Optional.ofNullable(hostBundle)), output.json(), spec.commandLine().getOut(),
        spec.commandLine().getErr());
    return ExitCodes.OK;
  }
}
