package dev.etcddr.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree, said once. picocli reads every command's annotations by reflection when the command is added
 * (~0.4 s for the whole tree on a cold JVM, paid by every call a playbook makes), so a call that names a command
 * gets only its branch: the root, its group and that command. Anything else (help of the root or a group, a name
 * that is not a command) gets the whole tree, so help lists every command and a typo is answered as it was;
 * {@code --version} alone gets none.
 */
final class CommandTree {
  private CommandTree() {}

  private static final Map<Class<?>, List<Class<?>>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put(ManifestCommand.class, List.of(ManifestShowCommand.class, ManifestApiserverCommand.class,
        ManifestRepointCommand.class, ManifestJoinCommand.class));
    GROUPS.put(SnapshotCommand.class, List.of(SnapshotSaveCommand.class, SnapshotStatusCommand.class,
        SnapshotVerifyCommand.class, SnapshotRestoreCommand.class, SnapshotDrillCommand.class,
        SnapshotPushCommand.class, SnapshotListCommand.class, SnapshotLatestCommand.class,
        SnapshotPruneCommand.class, SnapshotPullCommand.class, SnapshotAttachBundlesCommand.class,
        SnapshotPackCommand.class, SnapshotUnpackCommand.class, SnapshotLsCommand.class, SnapshotGetCommand.class,
        SnapshotDiffCommand.class, SnapshotUndeleteCommand.class));
    GROUPS.put(ClusterCommand.class, List.of(ClusterHealthCommand.class));
    GROUPS.put(MemberCommand.class, List.of(MemberAddLearnerCommand.class, MemberPromoteCommand.class,
        MemberRemoveCommand.class));
    GROUPS.put(DatadirCommand.class, List.of(DatadirExportCommand.class, DatadirRollbackCommand.class));
    GROUPS.put(BundleCommand.class, List.of(BundleWriteCommand.class, BundleRestoreCommand.class));
  }

  /** Adds to {@code root} the branch {@code args} names, or every branch. */
  static void add(CommandLine root, String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return; // no command is needed to print the version
    }
    if (args.length >= 2) {
      for (Map.Entry<Class<?>, List<Class<?>>> group : GROUPS.entrySet()) {
        if (names(group.getKey()).contains(args[0])) {
          for (Class<?> leaf : group.getValue()) {
            if (names(leaf).contains(args[1])) {
              root.addSubcommand(new CommandLine(group.getKey(), root.getFactory()).addSubcommand(leaf));
              return;
            }
          }
        }
      }
    }
    GROUPS.forEach((group, leaves) -> {
      CommandLine g = new CommandLine(group, root.getFactory());
      leaves.forEach(g::addSubcommand);
      root.addSubcommand(g);
    });
  }

  private static List<String> names(Class<?> command) {
    Command c = command.getAnnotation(Command.class);
    return Stream.concat(Stream.of(c.name()), Arrays.stream(c.aliases())).toList();
  }
}
