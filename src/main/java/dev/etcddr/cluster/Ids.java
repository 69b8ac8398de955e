package dev.etcddr.cluster;

/** Member and cluster IDs as etcdctl and the snapshot sidecar write them: 16 lower-case hex digits. */
final class Ids {
  private Ids() {}

  static String hex(long id) {
    return String.format("%016x", id);
  }
}
