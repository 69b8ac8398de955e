package dev.etcddr.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.Json;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a store needs from a sidecar to check the files it describes. Read field by field rather than as
 * {@link SnapshotMetadata}, so sidecars of every etcd-dr version are read: a field an older one lacks is null.
 *
 * @param fileSize bytes of the snapshot file ({@code file_size})
 * @param bundle the bundle's file name, or null when the snapshot has none
 * @param clusterName {@code cluster_name}, null in sidecars saved without {@code --cluster-name}
 */
public record SidecarFacts(String file, Long fileSize, String sha256, String bundle, String bundleSha256,
    String clusterName) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Parses a sidecar; the message of the exception says what is wrong with it. */
  public static SidecarFacts parse(byte[] json) throws IOException {
    JsonNode n = Json.mapper().readTree(json);
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object");
    }
    return new SidecarFacts(text(n, "file"), n.hasNonNull("file_size") && n.get("file_size").canConvertToLong()
        ? n.get("file_size").asLong() : null, text(n, "sha256"), text(n, "bundle"), text(n, "bundle_sha256"),
        text(n, "cluster_name"));
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).isTextual() ? n.get(field).asText() : null;
  }

  /**
   * Why this sidecar cannot vouch for snapshot {@code name}, or empty when it can: it must name that file, give its
   * size and SHA-256, and name no bundle other than {@code name.bundle.tar.gz} (names in a sidecar are data and
   * must not lead a copy elsewhere).
   */
  public Optional<String> problemFor(String name) {
    if (!name.equals(file)) {
      return Optional.of("its sidecar names " + (file == null ? "no file" : "file " + file));
    }
    if (fileSize == null || fileSize < 0) {
      return Optional.of("its sidecar has no file_size");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      return Optional.of("its sidecar has no sha256 (64 lower-case hex digits)");
    }
    if (bundle != null && !bundle.equals(name + SnapshotStore.BUNDLE_SUFFIX)) {
      return Optional.of("its sidecar names bundle " + bundle + ", not " + name + SnapshotStore.BUNDLE_SUFFIX);
    }
    if (bundle != null && (bundleSha256 == null || !SHA256.matcher(bundleSha256).matches())) {
      return Optional.of("its sidecar names bundle " + bundle + " without a bundle_sha256");
    }
    return Optional.empty();
  }
}
