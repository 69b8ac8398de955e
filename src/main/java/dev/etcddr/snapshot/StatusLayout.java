package dev.etcddr.snapshot;

import java.util.Optional;

/**
 * Which etcd release's {@code snapshot status} output to reproduce. They differ in what TOTAL KEYS counts and in a
 * fifth field: etcdctl 3.4 and etcdutl 3.5 count every entry of every bucket and print four fields; etcdutl 3.6
 * counts distinct live user keys and adds VERSION, the db's storage version (empty for a db without one).
 */
public enum StatusLayout {
  ETCDUTL_35("3.5"),
  ETCDUTL_36("3.6");

  private final String label;

  StatusLayout(String label) {
    this.label = label;
  }

  /** "3.5" or "3.6", as the flag takes it and {@code -o json} reports it. */
  public String label() {
    return label;
  }

  /**
   * The layout a snapshot calls for by itself: 3.6 once its storage version is 3.6 or newer, as only an etcd 3.6
   * server writes one, so a snapshot is printed as the etcdutl its cluster shipped with would print it.
   */
  public static StatusLayout of(Optional<StatusLayout> forced, String storageVersion) {
    return forced.orElseGet(() -> GoSemver.parse(storageVersion).filter(v -> v.atLeast(3, 6)).isPresent()
        ? ETCDUTL_36 : ETCDUTL_35);
  }

  public static Optional<StatusLayout> byLabel(String label) {
    for (StatusLayout l : values()) {
      if (l.label.equals(label)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}
