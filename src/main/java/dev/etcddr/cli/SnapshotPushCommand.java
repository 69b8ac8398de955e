package dev.etcddr.cli;

import dev.etcddr.remote.StoreOperations;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Copy a snapshot with its bundle and sidecar (last) into a store: a directory or"
          + " sftp://user@host[:port]/dir (created with its parents, 0700, if missing), or s3://bucket/prefix. In a"
          + " directory or over SFTP each file goes to NAME.part and is renamed only when its size and SHA-256 equal"
          + " the sidecar's (a local store hashes the stored file; SFTP compares the remote size and hashes the bytes"
          + " sent); otherwise the .part is removed (exit 6).",
      "A file already in the store is never replaced: with the same size and SHA-256 (read back and hashed) it is"
          + " kept, otherwise the push is refused (exit 7) - the same size alone is not enough.",
      "Running it again after a dropped connection resumes a NAME.part only when its NAME.part.src record names the"
          + " same size and SHA-256; a .part without one is discarded, and a resumed file that fails the check is"
          + " copied again from 0, once. -o json says per file: already_there, resumed_from, restarted.",
      "s3://: no .part. A file is one PUT (up to 16 MiB) or a multipart upload of 16 MiB parts, each with its own"
          + " SHA-256 or Content-MD5, completed only when the whole file's SHA-256 equals the sidecar's, aborted on any"
          + " failure (exit 10): nothing is ever under the key but the whole file. An object already there is judged"
          + " by its size and the sha256 recorded with it (x-amz-meta-sha256). No resume: run again to upload from 0"
          + " (unfinished uploads of the key are aborted first). The bucket must exist.",
      "",
      "Examples:",
      "  etcd-dr snapshot push /var/lib/etcd-dr/snapshots/etcd-…-cp1.db --to /backup/etcd",
      "  etcd-dr snapshot push etcd-…-cp1.db --to sftp://backup@10.0.0.9/srv/etcd --identity ~/.ssh/id_ed25519 \\",
      "      --known-hosts ~/.ssh/known_hosts",
      "  etcd-dr snapshot push etcd-…-cp1.db --to s3://etcd-backups/prod --s3-credentials /root/.etcd-dr/s3 \\",
      "      --s3-endpoint https://minio.lan:9000 --s3-path-style --s3-ca-file /etc/ssl/minio-ca.pem"
    })
public final class SnapshotPushCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "A snapshot with a default name; its FILE.json goes with it.")
  Path file;

  @Option(names = "--to", required = true, paramLabel = "STORE", description = "Directory, sftp:// or s3:// URL.")
  String to;

  @Mixin
  StoreMixin store;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    StoreOperations.PushResult r = store.operations().push(file, to);
    StorePrinter.print(r, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
