package dev.etcddr.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.etcddr.snapshot.StatusLayout;
import dev.etcddr.snapshot.StatusReport;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code snapshot status} output: etcdctl's four forms exactly, as 3.4/3.5 print them or as etcdutl 3.6 does
 * (TOTAL KEYS the live keys, a fifth field VERSION), or etcd-dr's JSON, which is the same whatever the layout.
 */
final class StatusPrinter {
  private StatusPrinter() {}

  /**
   * Stable JSON of {@code snapshot status -o json}; key_counts only with --count-keys. total_key keeps its 3.4/3.5
   * meaning in every layout (live_keys is 3.6's count); layout says which one {@code -w} prints. needs_etcd is the
   * major.minor of the oldest etcd that starts from the db once restored, null when the db does not say.
   */
  record View(String file, long hash, String hashHex, long revision, long totalKey, long totalSize,
      String totalSizeHuman, long liveKeys, String storageVersion, String clusterVersion, String needsEtcd,
      boolean hasTrailer, long fileSize, String layout,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> keyCounts,
      @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Long> unleasedKeyCounts) {}

  static View view(StatusReport r) {
    return new View(r.file(), r.hash(), Long.toHexString(r.hash()), r.revision(), r.totalKey(), r.totalSize(),
        GoHumanize.bytes(r.totalSize()), r.liveKeys(), r.storageVersion(), r.versions().clusterVersion().orElse(""),
        r.versions().needsEtcd().orElse(null), r.hasTrailer(), r.fileSize(), r.layout().label(),
        r.keyCounts().orElse(null), r.unleasedKeyCounts().orElse(null));
  }

  static void print(StatusReport r, SnapshotStatusCommand.WriteOut form, PrintWriter out) {
    String hash = Long.toHexString(r.hash());
    String size = GoHumanize.bytes(r.totalSize());
    if (form == null) {
      OutputOption.printJson(out, view(r));
      out.flush();
      return;
    }
    if (r.layout() == StatusLayout.ETCDUTL_36) {
      print36(r, form, hash, size, out);
    } else {
      print35(r, form, hash, size, out);
    }
    r.keyCounts().ifPresent(counts -> printKeyCounts(counts, r.unleasedKeyCounts().orElse(Map.of()), r.revision(),
        out));
    out.flush();
  }

  /** etcdctl 3.4 and etcdutl 3.5: every entry of every bucket as TOTAL KEYS, four fields. */
  private static void print35(StatusReport r, SnapshotStatusCommand.WriteOut form, String hash, String size,
      PrintWriter out) {
    switch (form) {
      case simple -> out.print(hash + ", " + r.revision() + ", " + r.totalKey() + ", " + size + "\n");
      case json -> out.print("{\"hash\":" + r.hash() + ",\"revision\":" + r.revision() + ",\"totalKey\":"
          + r.totalKey() + ",\"totalSize\":" + r.totalSize() + "}\n");
      case fields -> out.print("\"Hash\" : " + r.hash() + "\n\"Revision\" : " + r.revision() + "\n\"Keys\" : "
          + r.totalKey() + "\n\"Size\" : " + r.totalSize() + "\n");
      case table -> out.print(table(new String[] {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"},
          new String[] {hash, String.valueOf(r.revision()), String.valueOf(r.totalKey()), size}));
      default -> throw new IllegalStateException(form.toString());
    }
  }

  /**
   * etcdutl 3.6 ({@code etcdutl/etcdutl/printer*.go DBStatus}): the live keys as TOTAL KEYS, and VERSION last in
   * every form, even when empty, so a version-less db prints a trailing ", " (simple), {@code "version":""} (json)
   * and {@code "Version" : } with Println's space (fields). The version is a parsed semver: nothing to escape.
   */
  private static void print36(StatusReport r, SnapshotStatusCommand.WriteOut form, String hash, String size,
      PrintWriter out) {
    String v = r.storageVersion();
    switch (form) {
      case simple -> out.print(hash + ", " + r.revision() + ", " + r.liveKeys() + ", " + size + ", " + v + "\n");
      case json -> out.print("{\"hash\":" + r.hash() + ",\"revision\":" + r.revision() + ",\"totalKey\":"
          + r.liveKeys() + ",\"totalSize\":" + r.totalSize() + ",\"version\":\"" + v + "\"}\n");
      case fields -> out.print("\"Hash\" : " + r.hash() + "\n\"Revision\" : " + r.revision() + "\n\"Keys\" : "
          + r.liveKeys() + "\n\"Size\" : " + r.totalSize() + "\n\"Version\" : " + v + "\n");
      case table -> out.print(table(new String[] {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE", "VERSION"},
          new String[] {hash, String.valueOf(r.revision()), String.valueOf(r.liveKeys()), size, v}));
      default -> throw new IllegalStateException(form.toString());
    }
  }

  /** After etcdctl's lines, so a reader of the first line still gets etcdctl's output. */
  private static void printKeyCounts(Map<String, Long> counts, Map<String, Long> unleased, long revision,
      PrintWriter out) {
    out.print("\nlive keys by group at revision " + revision + " (all, and on no lease):\n");
    out.print(KeyCountLines.of(counts, unleased));
  }

  /** olekukonko/tablewriter as etcdctl configures it: centred headers, right-aligned cells. */
  static String table(String[] headers, String[] cells) {
    int[] w = new int[headers.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.max(headers[i].length(), cells[i].length());
    }
    StringBuilder line = new StringBuilder("+");
    StringBuilder head = new StringBuilder("|");
    StringBuilder row = new StringBuilder("|");
    for (int i = 0; i < w.length; i++) {
      line.append("-".repeat(w[i] + 2)).append('+');
      int gap = w[i] - headers[i].length();
      head.append(' ').append(" ".repeat(gap / 2)).append(headers[i]).append(" ".repeat(gap - gap / 2)).append(" |");
      row.append(' ').append(" ".repeat(w[i] - cells[i].length())).append(cells[i]).append(" |");
    }
    return line + "\n" + head + "\n" + line + "\n" + row + "\n" + line + "\n";
  }
}
