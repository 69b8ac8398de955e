package dev.etcddr.cli;

import dev.etcddr.snapshot.SaveRequest;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks shared by the commands that write a snapshot file (save, datadir export): FILE or --dir, the name. */
final class SnapshotFileFlags {
  private SnapshotFileFlags() {}

  static void check(CommandSpec spec, Path file, String clusterName) {
    if (file != null && spec.commandLine().getParseResult().hasMatchedOption("--dir")) {
      throw new ParameterException(spec.commandLine(), "give FILE or --dir, not both");
    }
    if (clusterName != null && !SaveRequest.CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new ParameterException(spec.commandLine(), "--cluster-name '" + clusterName
          + "': use letters, digits and . _ - (1 to 63 characters, the first a letter or digit)");
    }
  }
}
