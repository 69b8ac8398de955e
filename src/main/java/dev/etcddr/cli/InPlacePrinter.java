package dev.etcddr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.etcddr.Json;
import dev.etcddr.restore.InPlaceResult;
import dev.etcddr.restore.RollbackResult;
import java.io.PrintWriter;

/** Output of {@code snapshot restore --in-place} and {@code datadir rollback}. */
final class InPlacePrinter {
  private InPlacePrinter() {}

  static void print(PrintWriter out, boolean json, InPlaceResult r) {
    if (json) {
      out.println(toJson(r));
    } else {
      String what = switch (r.status()) {
        case "already_restored" -> "already restored in place; nothing changed:";
        case "would_restore" -> "would restore in place (dry run, nothing written):";
        case "would_resume" -> "would finish the interrupted restore (dry run, nothing written):";
        case "resumed" -> "finished the interrupted in-place restore:";
        default -> "restored in place:";
      };
      out.printf("%s %s is member %s (%s) of cluster %s; restore %s%n", what, r.dataDir(), r.name(), r.memberId(),
          r.clusterId(), r.restoreId());
      r.steps().forEach(s -> out.println((r.dryRun() ? "  would " : "  ") + s));
      out.printf("  original member kept at %s%n", r.kept());
      if (r.requiredBytes() > 0) {
        out.printf("  free space %d bytes, %d needed%n", r.freeBytes(), r.requiredBytes());
      }
      if (!r.dryRun() && !r.status().equals("already_restored")) {
        out.printf("  undo: etcd-dr datadir rollback --restore-id %s%n", r.restoreId());
      }
    }
    out.flush();
  }

  static void print(PrintWriter out, boolean json, RollbackResult r) {
    if (json) {
      out.println(toJson(r));
    } else {
      String what = switch (r.status()) {
        case "rolled_back" -> "rolled back: the original member is in place again";
        case "already_rolled_back" -> "already rolled back; nothing changed";
        case "never_swapped" -> "nothing to do: the restore never moved the original member, which is in place";
        default -> "nothing to do: no restore " + r.restoreId() + " in this data dir; its member is in place";
      };
      out.printf("%s: %s (restore %s)%n", r.dataDir(), what, r.restoreId());
      r.moves().forEach(m -> out.printf("  moved %s to %s%n", m.from(), m.to()));
    }
    out.flush();
  }

  private static String toJson(Object r) {
    try {
      return Json.mapper().writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
