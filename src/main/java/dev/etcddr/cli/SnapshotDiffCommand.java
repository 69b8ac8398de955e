package dev.etcddr.cli;

import dev.etcddr.snapshot.SnapshotDiff;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Compare the keys under a prefix in a snapshot file with the live cluster's (endpoints and credentials from"
          + " this host's etcd manifest unless given), read through one member at one revision, keys and"
          + " revisions only. Lists the keys only in the snapshot (deleted since), only live (created since), and"
          + " in both but written since (mod revisions; 'recreated' when deleted and made again under the same"
          + " name since). Reads only; exit 0 whatever the difference.",
      "",
      "-o json fields (stable): snapshot, snapshot_revision, endpoint, live_revision, only_in_snapshot[] (as"
          + " `snapshot ls -o json` lists a key), only_live[] {key, create_revision, mod_revision, lease},"
          + " changed[] {key, snapshot_mod_revision, live_mod_revision, recreated}, unchanged (a count).",
      "",
      "Examples:",
      "  etcd-dr snapshot diff /backup/etcd.db --prefix /registry/services/",
      "  etcd-dr snapshot diff /backup/etcd.db --prefix /registry/configmaps/shop/ -o json"
    })
public final class SnapshotDiffCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The snapshot, or a raw bbolt db (member/snap/db).")
  Path file;

  @Option(names = "--prefix", paramLabel = "PREFIX", required = true,
      description = "Compare the keys that start with PREFIX, e.g. /registry/services/ (required: a whole cluster"
          + " is rarely what is meant).")
  String prefix;

  @Mixin
  AccessMixin access;

  @Mixin
  OutputOption output;

  public SnapshotDiffCommand(CliContext context) {
    this.context = context;
  }

  /** Stable JSON shape of {@code snapshot diff -o json}. */
  record DiffView(String snapshot, long snapshotRevision, String endpoint, long liveRevision,
      List<KeyListPrinter.KeyView> onlyInSnapshot, List<SnapshotDiff.LiveKey> onlyLive,
      List<SnapshotDiff.Changed> changed, long unchanged) {}

  @Override
  public Integer call() {
    SnapshotDiff.Result r = SnapshotDiff.diff(file, prefix.getBytes(StandardCharsets.UTF_8), access.toOptions(),
        context.clock());
    PrintWriter out = spec.commandLine().getOut();
    List<KeyListPrinter.KeyView> gone = r.onlyInSnapshot().stream().map(KeyListPrinter::view).toList();
    if (output.json()) {
      OutputOption.printJson(out, new DiffView(r.file().toString(), r.snapshotRevision(), r.endpoint(),
          r.liveRevision(), gone, r.onlyLive(), r.changed(), r.unchanged()));
      return ExitCodes.OK;
    }
    out.println("only in the snapshot (deleted since): " + gone.size());
    gone.forEach(k -> out.println("  " + k.key() + "  " + KeyListPrinter.what(k)));
    out.println("only live (created since): " + r.onlyLive().size());
    r.onlyLive().forEach(k -> out.println("  " + k.key() + "  mod_revision=" + k.modRevision()));
    out.println("written since: " + r.changed().size());
    r.changed().forEach(c -> out.println("  " + c.key() + "  mod_revision " + c.snapshotModRevision() + " -> "
        + c.liveModRevision() + (c.recreated() ? " (recreated)" : "")));
    out.println("unchanged: " + r.unchanged() + "; snapshot at revision " + r.snapshotRevision() + ", "
        + r.endpoint() + " at revision " + r.liveRevision());
    return ExitCodes.OK;
  }
}
