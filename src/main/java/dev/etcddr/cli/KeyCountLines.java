package dev.etcddr.cli;

import java.util.Map;

/** Keys per group as text, the same for a snapshot and a cluster so the two can be read side by side. */
final class KeyCountLines {
  private KeyCountLines() {}

  static String of(Map<String, Long> all, Map<String, Long> unleased) {
    int width = Math.max(7, all.keySet().stream().mapToInt(String::length).max().orElse(0));
    String line = "  %-" + width + "s %10d %10d%n";
    StringBuilder sb = new StringBuilder();
    all.forEach((group, n) -> sb.append(String.format(line, group, n, unleased.getOrDefault(group, 0L))));
    sb.append(String.format(line, "(total)", all.values().stream().mapToLong(Long::longValue).sum(),
        unleased.values().stream().mapToLong(Long::longValue).sum()));
    return sb.toString();
  }
}
