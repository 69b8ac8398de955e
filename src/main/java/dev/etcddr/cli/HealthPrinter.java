package dev.etcddr.cli;

import dev.etcddr.cluster.EndpointReport;
import dev.etcddr.cluster.HealthReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code cluster health} output: the report as JSON, or a table of endpoints, the members and the problems. */
final class HealthPrinter {
  private HealthPrinter() {}

  static void print(HealthReport r, String countPrefix, boolean json, PrintWriter out) {
    if (json) {
      OutputOption.printJson(out, r);
      out.flush();
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ENDPOINT", "MEMBER", "ID", "LEADER", "REVISION", "RAFT INDEX", "RAFT TERM", "DB SIZE",
        "VERSION", "HASHKV"});
    for (EndpointReport e : r.endpoints()) {
      if (e.reachable()) {
        rows.add(new String[] {e.endpoint(), e.memberName(), e.memberId(), e.isLeader() ? "yes" : "no",
            String.valueOf(e.revision()), String.valueOf(e.raftIndex()), String.valueOf(e.raftTerm()),
            Sizes.human(e.dbSize()), e.version(), e.hashKv() == null ? "-" : String.valueOf(e.hashKv())});
      } else {
        rows.add(new String[] {e.endpoint(), dash(e.memberName()), dash(e.memberId()), "UNREACHABLE: " + e.error()});
      }
    }
    printColumns(rows, out);
    String names = r.members().stream().map(m -> (m.name().isEmpty() ? m.id() + " (unstarted)" : m.name())
        + (m.isLearner() ? " (learner)" : "")).collect(Collectors.joining(", "));
    out.printf("cluster %s, revision %d, %d member(s): %s%n", dash(r.clusterId()), r.revision(), r.members().size(),
        names.isEmpty() ? "-" : names);
    r.endpoints().stream().filter(e -> e.hashRevision() != null).findFirst()
        .ifPresent(e -> out.printf("hashkv at revision %d%n", e.hashRevision()));
    if (r.keyCounts() != null) {
      out.printf("live keys under %s by group at revision %d (all, and on no lease):%n", countPrefix,
          r.keyCountRevision());
      out.print(KeyCountLines.of(r.keyCounts(), r.unleasedKeyCounts() == null ? Map.of() : r.unleasedKeyCounts()));
    }
    if (!r.unanswered().isEmpty()) {
      out.println("not answering (tolerated: the others hold a quorum):");
      r.unanswered().forEach(u -> out.println("  - " + u));
    }
    if (r.healthy()) {
      out.println("cluster is healthy");
    } else {
      out.println("problems:");
      r.problems().forEach(p -> out.println("  - " + p));
      out.printf("cluster is UNHEALTHY: %d problem(s)%n", r.problems().size());
    }
    if (!r.diagnosis().state().equals("healthy")) {
      out.printf("diagnosis: %s: %s%n", r.diagnosis().state(), r.diagnosis().advice());
    }
    out.flush();
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  /** Left-aligned columns; a short row's last cell runs on past the columns it does not fill. */
  private static void printColumns(List<String[]> rows, PrintWriter out) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      if (row.length == columns) {
        for (int i = 0; i < columns; i++) {
          width[i] = Math.max(width[i], row[i].length());
        }
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i < row.length - 1 ? String.format("%-" + (width[i] + 2) + "s", row[i]) : row[i]);
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
