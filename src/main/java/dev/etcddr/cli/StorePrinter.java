package dev.etcddr.cli;

import dev.etcddr.remote.StoreOperations;
import dev.etcddr.snapshot.LatestSnapshot;
import dev.etcddr.snapshot.SidecarFacts;
import dev.etcddr.snapshot.RetentionPlanner;
import dev.etcddr.snapshot.SetCopy;
import dev.etcddr.snapshot.StoredSnapshot;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Output of the store verbs. */
final class StorePrinter {
  private StorePrinter() {}

  private static void json(Object o, PrintWriter out) {
    OutputOption.printJson(out, o);
    out.flush();
  }

  static void print(StoreOperations.PushResult r, boolean asJson, PrintWriter out) {
    if (asJson) {
      json(r, out);
      return;
    }
    out.println("stored " + r.file() + " and its sidecar in " + r.location());
    details(r.files(), out);
    out.flush();
  }

  static void print(StoreOperations.PullResult r, boolean asJson, PrintWriter out) {
    if (asJson) {
      json(r, out);
      return;
    }
    out.println("pulled " + r.file() + " into " + r.dir());
    details(r.files(), out);
    out.flush();
  }

  /** Only what an operator would want to know: files that were already there, resumed, or started again. */
  private static void details(List<SetCopy.CopiedFile> files, PrintWriter out) {
    for (SetCopy.CopiedFile f : files) {
      if (f.alreadyThere()) {
        out.println("  " + f.file() + ": already there (same size and sha256)");
      }
      if (f.resumedFrom() > 0) {
        out.println("  " + f.file() + ": resumed from byte " + f.resumedFrom());
      }
      if (f.restarted() != null) {
        out.println("  " + f.file() + ": " + f.restarted());
      }
    }
  }

  /** Stable JSON of {@code snapshot latest}. */
  record LatestView(String store, String file, String path, String clusterId, String clusterName, String takenAt,
      long revision, String member, long size, String sha256, String checked, List<LatestSnapshot.Skipped> skipped,
      List<SidecarFacts.HostBundle> hostBundles) {}

  static void print(LatestSnapshot l, boolean asJson, PrintWriter out, PrintWriter err) {
    if (asJson) {
      json(new LatestView(l.store(), l.file(), l.path().map(Object::toString).orElse(null),
          String.format("%016x", l.name().clusterId()), l.clusterName(), l.name().takenAt().toString(),
          l.name().revision(), l.name().member(), l.size(), l.sha256(), l.checked(), l.skipped(), l.hostBundles()),
          out);
      return;
    }
    l.skipped().forEach(s -> err.println("skipped " + s.file() + ": " + s.reason()));
    err.flush();
    out.println(l.path().map(Object::toString).orElse(l.file()));
    out.flush();
  }

  /** Stable JSON of one stored snapshot. */
  record View(String name, String takenAt, long revision, long size, boolean verified) {}

  static void print(List<StoredSnapshot> list, boolean asJson, PrintWriter out) {
    if (asJson) {
      json(Map.of("snapshots", list.stream().map(s -> new View(s.name(), s.takenAt().toString(), s.revision(),
          s.size(), s.verified())).toList()), out);
      return;
    }
    for (StoredSnapshot s : list) {
      out.printf("%s  %s  r%d  %s%s%n", s.takenAt(), s.name(), s.revision(), Sizes.human(s.size()),
          s.verified() ? "" : "  (no sidecar: unverified)");
    }
    out.flush();
  }

  static void print(RetentionPlanner.Plan plan, boolean dryRun, boolean asJson, PrintWriter out) {
    List<String> deleted = plan.delete().stream().map(StoredSnapshot::name).toList();
    List<String> kept = plan.keep().stream().map(StoredSnapshot::name).toList();
    if (asJson) {
      json(Map.of("dry_run", dryRun, "deleted", deleted, "kept", kept, "reasons", plan.reasons()), out);
      return;
    }
    deleted.forEach(n -> out.println((dryRun ? "would delete " : "deleted ") + n));
    plan.reasons().forEach(r -> out.println("kept " + r));
    out.flush();
  }
}
