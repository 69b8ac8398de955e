package dev.etcddr.cli;

/** Byte counts for people: 1.2 MB (powers of 1000, as etcdctl prints sizes). */
final class Sizes {
  private Sizes() {}

  static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }
}
