package dev.etcddr.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Delete old snapshots from a store: keep the newest --keep-last, the newest of each of the last --keep-daily"
          + " UTC days and --keep-weekly ISO weeks, and always the newest verified one. Ordered by the time in the"
          + " name, never by string sort. .part files are never touched.",
      "",
      "Examples:",
      "  etcd-dr snapshot prune /backup/etcd --keep-last 7 --keep-daily 14 --keep-weekly 8 --dry-run"
    })
public final class SnapshotPruneCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "STORE", description = "Directory, sftp:// or s3:// URL.")
  String location;

  @Option(names = "--keep-last", required = true, paramLabel = "N", description = "Newest N to keep (at least 1).")
  int keepLast;

  @Option(names = "--keep-daily", paramLabel = "N", defaultValue = "0", description = "Days to keep one of.")
  int keepDaily;

  @Option(names = "--keep-weekly", paramLabel = "N", defaultValue = "0", description = "Weeks to keep one of.")
  int keepWeekly;

  @Option(names = "--dry-run", description = "Say what would be deleted; delete nothing.")
  boolean dryRun;

  @Mixin
  StoreMixin store;

  @Mixin
  OutputOption output;

  @Override
  public Integer call() {
    if (keepLast < 1 || keepDaily < 0 || keepWeekly < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--keep-last must be at least 1 and --keep-daily/--keep-weekly not negative");
    }
    var plan = store.operations().prune(location, keepLast, keepDaily, keepWeekly, dryRun);
    StorePrinter.print(plan, dryRun, output.json(), spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}
