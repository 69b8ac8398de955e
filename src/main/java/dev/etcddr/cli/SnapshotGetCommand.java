package dev.etcddr.cli;

import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.SnapshotKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Print one key's value as it was at the snapshot's revision: its exact bytes (like `etcdctl get"
          + " --print-value-only`), or with -o json its revisions, its decoded Kubernetes metadata and the bytes in"
          + " base64. A key the snapshot does not hold, or holds deleted, exits 8.",
      "",
      "Examples:",
      "  etcd-dr snapshot get /backup/etcd.db /registry/services/specs/shop/web > web.pb",
      "  etcd-dr snapshot get /backup/etcd.db /registry/configmaps/shop/settings -o json"
    })
public final class SnapshotGetCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The snapshot, or a raw bbolt db (member/snap/db).")
  Path file;

  @Parameters(index = "1", paramLabel = "KEY", description = "The whole key.")
  String key;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    SnapshotKeys.Listing listing = SnapshotKeys.live(file, wanted);
    SnapshotKeys.StoredKey found = listing.keys().stream().filter(k -> java.util.Arrays.equals(k.key(), wanted))
        .findFirst().orElseThrow(() -> new InputFileException(file + " holds no key " + key + " at revision "
            + listing.revision() + " (try `etcd-dr snapshot ls " + file + " --prefix` with a shorter prefix)"));
    if (output.json()) {
      KeyListPrinter.printGet(listing, found, spec.commandLine().getOut());
      return ExitCodes.OK;
    }
    // The exact bytes: a protobuf value is binary, so not through the text writer.
    spec.commandLine().getOut().flush();
    try {
      System.out.write(found.value());
      System.out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ExitCodes.OK;
  }
}
