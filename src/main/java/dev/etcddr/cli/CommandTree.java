package dev.etcddr.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree, said once. picocli reads every command's annotations by reflection when the command is added
 * (~0.4 s for the whole tree on a cold JVM, paid by every call a playbook makes), so a call that names a command
 * gets only its branch: the root, its group and that command. Anything else (help of the root or a group, a name
 * that is not a command) gets the whole tree, so help lists every command and a typo is answered as it was.
 */
final class CommandTree {
  private CommandTree() {}

  private static final Map<Class<?>, List<Class<?>>> GROUPS = ordered(
      entry(ManifestCommand.class, List.of(ManifestShowCommand.class, ManifestApiserverCommand.class, ManifestRepointCommand.class, ManifestJoinCommand.class)),
      entry(SnapshotCommand.class, List.of(SnapshotSaveCommand.class, SnapshotStatusCommand.class, SnapshotVerifyCommand.class, SnapshotRestoreCommand.class, SnapshotDrillCommand.class, SnapshotPushCommand.class, SnapshotListCommand.class, SnapshotLatestCommand.class, SnapshotPruneCommand.class, SnapshotPullCommand.class, SnapshotAttachBundlesCommand.class, SnapshotPackCommand.class, SnapshotUnpackCommand.class)),
      entry(ClusterCommand.class, List.of(ClusterHealthCommand.class)),
      entry(MemberCommand.class, List.of(MemberAddLearnerCommand.class, MemberPromoteCommand.class, MemberRemoveCommand.class)),
      entry(DatadirCommand.class, List.of(DatadirExportCommand.class, DatadirRollbackCommand.class)),
      entry(BundleCommand.class, List.of(BundleWriteCommand.class, BundleRestoreCommand.class)));

  /** Adds to {@code root} the branch {@code args} names, or every branch. */
  static void add(CommandLine root, String[] args) {
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
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(c.name()), java.util.Arrays.stream(c.aliases()))
        .toList();
  }

  private static Map.Entry<Class<?>, List<Class<?>>> entry(Class<?> group, List<Class<?>> leaves) {
    return Map.entry(group, leaves);
  }

  @SafeVarargs
  private static Map<Class<?>, List<Class<?>>> ordered(Map.Entry<Class<?>, List<Class<?>>>... entries) {
    Map<Class<?>, List<Class<?>>> m = new LinkedHashMap<>();
    for (Map.Entry<Class<?>, List<Class<?>>> e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
