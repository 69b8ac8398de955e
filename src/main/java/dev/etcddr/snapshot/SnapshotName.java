package dev.etcddr.snapshot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Default snapshot file names: {@code etcd-<cluster id>-<UTC time>-r<revision>-<member>.db}, e.g.
 * {@code etcd-a1b2c3d4e5f60718-20261127T160403Z-r1042-cp1.db}. Fixed-width cluster id and time first, so names of
 * one cluster sort by time as plain strings; they parse back to all four parts. Retention must still order by the
 * parsed time, never by string sort.
 *
 * <p>A packed snapshot ({@code snapshot pack}) keeps the name and adds its layers: {@code .db.zst} (zstd),
 * {@code .db.age} (age) or {@code .db.zst.age} (compressed, then encrypted). It parses to the same four parts, so
 * list, latest and prune treat it as a snapshot of its own; its sidecar says what it is.
 */
public record SnapshotName(long clusterId, Instant takenAt, long revision, String member) {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern NAME =
      Pattern.compile("etcd-([0-9a-f]{16})-(\\d{8}T\\d{6}Z)-r(\\d{1,19})-([A-Za-z0-9._-]+)\\.db(?:\\.zst)?(?:\\.age)?");

  public String fileName() {
    return String.format("etcd-%016x-%s-r%d-%s.db", clusterId, TIME.format(takenAt), revision, safe(member));
  }

  /** Member names come from the cluster; keep only characters that are safe in a file name. */
  static String safe(String member) {
    String s = member.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "member" + s : s;
  }

  public static Optional<SnapshotName> parse(String fileName) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new SnapshotName(Long.parseUnsignedLong(m.group(1), 16),
          TIME.parse(m.group(2), Instant::from), Long.parseLong(m.group(3)), m.group(4)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
