package dev.etcddr.cli;

import dev.etcddr.snapshot.SaveResult;
import dev.etcddr.snapshot.SnapshotMetadata;
import java.io.PrintWriter;

/** {@code snapshot save} result: the sidecar itself with -o json; a short account otherwise. */
final class SavePrinter {
  private SavePrinter() {}

  static void print(SaveResult result, boolean json, PrintWriter out) {
    print(result, json, out, false);
  }

  /** @param exported a data dir's db made into a snapshot here: the trailer was written, not received and checked */
  static void print(SaveResult result, boolean json, PrintWriter out, boolean exported) {
    SnapshotMetadata m = result.metadata();
    if (json) {
      OutputOption.printJson(out, m);
    } else {
      out.printf("%s %s%n", exported ? "exported" : "saved", result.snapshot());
      out.printf("  from member %s (%s) at %s, etcd %s, cluster %s%s%n", m.memberName(), m.memberId(), m.endpoint(),
          m.etcdVersion(), m.clusterId(), m.clusterName() == null ? "" : " (" + m.clusterName() + ")");
      out.printf("  revision %d, raft index %d, %s, sha256 %s (trailer %s)%n", m.revision(), m.raftIndex(),
          Sizes.human(m.fileSize()), m.sha256(), exported ? "written" : "verified");
      out.printf("  sidecar %s%n", result.sidecar());
      result.passedOver().forEach(p -> out.println("  not chosen: " + p));
    }
    out.flush();
  }
}
