package dev.etcddr.cli;

import dev.etcddr.snapshot.SnapshotKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "List the keys inside one snapshot file as they were at its revision (what `etcdctl get --prefix` answered"
          + " then), read from the file without etcd. (`snapshot list` lists the snapshots in a store.)",
      "Each Kubernetes value is named by its kind, namespace/name, uid and creation time, read without schemas from"
          + " the apiserver's protobuf envelope or from JSON (custom resources). Values the apiserver encrypted at"
          + " rest show only their provider and key name.",
      "",
      "Examples:",
      "  etcd-dr snapshot ls /backup/etcd.db --prefix /registry/services/specs/shop/",
      "  etcd-dr snapshot ls /backup/etcd.db --prefix /registry/configmaps/ -o json"
    })
public final class SnapshotLsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot, or a raw bbolt db (member/snap/db).")
  Path file;

  @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "Only keys that start with PREFIX (default: every key).")
  String prefix;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    SnapshotKeys.Listing listing = SnapshotKeys.live(file, prefix.getBytes(StandardCharsets.UTF_8));
    KeyListPrinter.printList(listing, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
