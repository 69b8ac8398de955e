package dev.etcddr.packing;

import dev.etcddr.snapshot.SnapshotStore;

/**
 * Packed names: the raw name with {@code .zst} when compressed and {@code .age} when encrypted, in that order
 * (compressed, then encrypted), as {@code zstd} and {@code age} would name them. Bundles beside a packed snapshot
 * follow from its name ({@link SnapshotStore#bundleName}).
 */
final class Names {
  static final String ZSTD = ".zst";

  private Names() {}

  static String packed(String raw, boolean zstd, boolean age) {
    return raw + (zstd ? ZSTD : "") + (age ? SnapshotStore.AGE_SUFFIX : "");
  }

  /** The name without its {@code .age}, then without its {@code .zst}; unchanged when it has neither. */
  static String rawName(String packed) {
    String n = packed;
    if (n.endsWith(SnapshotStore.AGE_SUFFIX) && n.length() > SnapshotStore.AGE_SUFFIX.length()) {
      n = n.substring(0, n.length() - SnapshotStore.AGE_SUFFIX.length());
    }
    if (n.endsWith(ZSTD) && n.length() > ZSTD.length()) {
      n = n.substring(0, n.length() - ZSTD.length());
    }
    return n;
  }
}
