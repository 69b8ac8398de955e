package dev.etcddr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the drill takes from a snapshot's sidecar. Read field by field rather than as SnapshotMetadata, so sidecars
 * of every etcd-dr version work: a field an older one lacks is null, and its check is skipped.
 *
 * @param keyCounts live keys per group, when a sidecar records them (none written today does; see README)
 * @param etcdVersion the source member's etcd release as {@code snapshot save} recorded it, e.g. 3.5.16
 * @param rawSha256 a packed snapshot's {@code packing.raw_sha256}: the db as saved; null for a raw snapshot
 */
record Sidecar(Path path, Long revision, String sha256, Long hashKv, Long hashKvCompactRevision,
    Map<String, Long> keyCounts, String etcdVersion, String rawSha256) {
  /** The SHA-256 the raw db must have: the sidecar's own for a raw snapshot, raw_sha256 for a packed one. */
  String dbSha256() {
    return rawSha256 != null ? rawSha256 : sha256;
  }


  /** The sidecar beside {@code snapshot}, or null when there is none. */
  static Sidecar beside(Path snapshot) throws IOException {
    Path path = snapshot.resolveSibling(snapshot.getFileName() + ".json");
    if (!Files.isRegularFile(path)) {
      return null;
    }
    JsonNode n = Json.mapper().readTree(path.toFile());
    if (n == null || !n.isObject()) {
      throw new IOException(path + " is not a JSON object");
    }
    Map<String, Long> counts = null;
    if (n.hasNonNull("key_counts") && n.get("key_counts").isObject()) {
      Map<String, Long> m = new TreeMap<>();
      n.get("key_counts").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
      counts = m;
    }
    return new Sidecar(path, number(n, "revision"), n.hasNonNull("sha256") ? n.get("sha256").asText() : null,
        number(n, "hash_kv"), number(n, "hash_kv_compact_revision"), counts, text(n, "etcd_version"),
        text(n.path("packing"), "raw_sha256"));
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).isTextual() ? n.get(field).asText() : null;
  }

  private static Long number(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).canConvertToLong() ? n.get(field).asLong() : null;
  }
}
