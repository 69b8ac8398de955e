package dev.etcddr.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * go-humanize's {@code Bytes}, as etcdctl/etcdutl print TOTAL SIZE: powers of 1000; one decimal below 10, none
 * above, where Go's {@code %.0f} rounds exact halves to even (20480 bytes → "20 kB", not "21 kB").
 */
final class GoHumanize {
  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private GoHumanize() {}

  static String bytes(long s) {
    if (s < 10) {
      return s + " B";
    }
    int e = (int) Math.floor(Math.log(s) / Math.log(1000));
    double val = Math.floor(s / Math.pow(1000, e) * 10 + 0.5) / 10;
    if (val < 10) {
      return String.format("%.1f %s", val, UNITS[e]);
    }
    return new BigDecimal(val).setScale(0, RoundingMode.HALF_EVEN).toPlainString() + " " + UNITS[e];
  }
}
