package dev.etcddr.cli;

import dev.etcddr.etcd.EtcdKeyWriter.PutOutcome;
import dev.etcddr.snapshot.SnapshotKeys.StoredKey;
import dev.etcddr.undelete.Undelete;
import dev.etcddr.undelete.UndeletePlan;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What `snapshot undelete` prints: the plan, what was written, and what was not and why. */
final class UndeletePrinter {
  private UndeletePrinter() {}

  record WriteView(String key, String kind, String namespace, String name, String uid, int valueBytes,
      boolean overwrite, String held) {}

  record WrittenView(String key, long revision) {}

  record RacedView(String key, long createRevision, long modRevision) {}

  record HeldView(String key, String kind, String namespace, String name, String reason, String detail) {}

  record PresentView(String key, long snapshotModRevision, long liveCreateRevision, long liveModRevision,
      boolean recreated, boolean unchanged) {}

  /** Stable JSON shape of {@code snapshot undelete -o json}. */
  record UndeleteView(String snapshot, long snapshotRevision, String endpoint, long liveRevision, boolean dryRun,
      List<WriteView> wouldWrite, List<WrittenView> written, List<RacedView> raced, List<HeldView> held,
      List<PresentView> present) {}

  static void print(Undelete.Result r, boolean json, PrintWriter out) {
    UndeletePlan.Plan plan = r.plan();
    Map<String, String> heldWhy = new HashMap<>();
    plan.held().forEach(h -> heldWhy.put(h.key().keyText(), h.reason().jsonName()));
    List<WriteView> wouldWrite = plan.writes().stream().map(w -> {
      KeyListPrinter.KeyView k = KeyListPrinter.view(w.key());
      return new WriteView(k.key(), k.kind(), k.namespace(), k.name(), k.uid(), k.valueBytes(),
          w.expectedModRevision() != 0, heldWhy.get(k.key()));
    }).toList();
    List<WrittenView> written = r.outcomes().stream().filter(PutOutcome::written)
        .map(o -> new WrittenView(text(o.put().key()), o.revision())).toList();
    List<RacedView> raced = r.outcomes().stream().filter(o -> !o.written())
        .map(o -> new RacedView(text(o.put().key()), o.found().createRevision(), o.found().modRevision())).toList();
    List<HeldView> held = plan.held().stream().map(h -> {
      KeyListPrinter.KeyView k = KeyListPrinter.view(h.key());
      return new HeldView(k.key(), k.kind(), k.namespace(), k.name(), h.reason().jsonName(), h.detail());
    }).toList();
    List<PresentView> present = plan.present().stream().map(p -> new PresentView(p.key().keyText(),
        p.key().modRevision(), p.live().createRevision(), p.live().modRevision(), p.recreated(), p.unchanged()))
        .toList();
    if (json) {
      OutputOption.printJson(out, new UndeleteView(r.file().toString(), r.snapshotRevision(), r.endpoint(),
          r.liveRevision(), r.dryRun(), wouldWrite, written, raced, held, present));
      return;
    }
    out.println((r.dryRun() ? "would write " : "to write ") + wouldWrite.size() + ":");
    plan.writes().forEach(w -> out.println("  " + w.key().keyText() + "  " + what(w.key())
        + (w.expectedModRevision() != 0 ? "  (overwrite)" : "")));
    if (!r.dryRun()) {
      out.println("written: " + written.size() + (raced.isEmpty() ? "" : "; not written, the key was written by"
          + " someone else meanwhile: " + raced.size()));
      raced.forEach(k -> out.println("  " + k.key() + "  now mod_revision=" + k.modRevision()));
    }
    out.println("held back: " + held.size());
    held.forEach(h -> out.println("  " + h.key() + "  " + h.reason() + ": " + h.detail()));
    out.println("left alone, present live: " + present.size() + " (" + present.stream().filter(PresentView::unchanged)
        .count() + " unchanged since the snapshot; the others:)");
    present.stream().filter(p -> !p.unchanged()).forEach(p -> out.println("  " + p.key() + "  " + (p.recreated()
        ? "recreated since (another object under the name)" : "written since")));
    out.println("snapshot " + r.file() + " at revision " + r.snapshotRevision() + "; " + r.endpoint()
        + " at revision " + r.liveRevision());
  }

  private static String what(StoredKey k) {
    return KeyListPrinter.what(KeyListPrinter.view(k));
  }

  private static String text(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }
}
