package dev.etcddr.drill;

import java.util.List;
import java.util.Map;

/**
 * {@code snapshot drill}: what the throwaway member answered and what the snapshot and its sidecar say it should.
 * Field names are a stable contract (the drill playbook reads them). {@code ok} only when no check failed; a
 * "skip" is a check with nothing to compare against (an older sidecar) or made impossible by an earlier failure.
 *
 * @param sidecar the sidecar read ({@code FILE.json}), or null when there is none
 * @param etcdBinary the etcd that served the restore (absolute path), {@code etcdVersion} its {@code --version}
 * @param snapshotEtcdVersion the oldest etcd major.minor the snapshot needs, which the binary was checked against
 *     before the restore; null when the snapshot records none (no version in the db, no sidecar) or was not read
 *     that far (failed verification)
 * @param snapshotEtcdVersionSource what said so: storage_version, cluster_version (the db's) or sidecar; null with it
 * @param revision the restored member's revision, null when it never answered
 * @param keyCounts live keys per group through the restored member, at the snapshot's revision
 * @param expectedKeyCounts the same counted from the snapshot file
 * @param expectedHashKv the source member's HashKV from the sidecar, null when it has none
 */
public record DrillReport(
    boolean ok,
    String snapshot,
    String sidecar,
    String etcdBinary,
    String etcdVersion,
    String snapshotEtcdVersion,
    String snapshotEtcdVersionSource,
    Long revision,
    Long expectedRevision,
    Map<String, Long> keyCounts,
    Map<String, Long> expectedKeyCounts,
    Long hashKv,
    Long expectedHashKv,
    List<Check> checks,
    double seconds) {

  /** @param result "pass", "fail" or "skip" */
  public record Check(String name, String result, String detail) {
    static Check pass(String name, String detail) {
      return new Check(name, "pass", detail);
    }

    static Check fail(String name, String detail) {
      return new Check(name, "fail", detail);
    }

    static Check skip(String name, String detail) {
      return new Check(name, "skip", detail);
    }
  }
}
