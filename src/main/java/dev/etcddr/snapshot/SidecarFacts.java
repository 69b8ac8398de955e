package dev.etcddr.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a store needs from a sidecar to check the files it describes. Read field by field rather than as
 * {@link SnapshotMetadata}, so sidecars of every etcd-dr version are read: a field an older one lacks is null.
 *
 * @param fileSize bytes of the snapshot file ({@code file_size})
 * @param bundle the bundle's file name, or null when the snapshot has none
 * @param clusterName {@code cluster_name}, null in sidecars saved without {@code --cluster-name}
 * @param hostBundles {@code host_bundles}: each control-plane host's own bundle, empty in sidecars without them
 */
public record SidecarFacts(String file, Long fileSize, String sha256, String bundle, String bundleSha256,
    String clusterName, List<HostBundle> hostBundles) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  /** An inventory host name as it may appear in a file name: no slash, no leading dot. */
  public static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

  /** One host's own PKI and static pod manifests ({@code bundle write} on that host), for rebuilding that host. */
  public record HostBundle(String host, String file, Long size, String sha256) {}

  /** Parses a sidecar; the message of the exception says what is wrong with it. */
  public static SidecarFacts parse(byte[] json) throws IOException {
    JsonNode n = Json.mapper().readTree(json);
    if (n == null || !n.isObject()) {
      throw new IOException("not a JSON object");
    }
    return new SidecarFacts(text(n, "file"), n.hasNonNull("file_size") && n.get("file_size").canConvertToLong()
        ? n.get("file_size").asLong() : null, text(n, "sha256"), text(n, "bundle"), text(n, "bundle_sha256"),
        text(n, "cluster_name"), hostBundles(n.get("host_bundles")));
  }

  private static List<HostBundle> hostBundles(JsonNode list) throws IOException {
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IOException("host_bundles is not a list");
    }
    List<HostBundle> out = new ArrayList<>();
    for (JsonNode b : list) {
      if (!b.isObject()) {
        throw new IOException("an entry of host_bundles is not an object");
      }
      out.add(new HostBundle(text(b, "host"), text(b, "file"), b.hasNonNull("size") && b.get("size").canConvertToLong()
          ? b.get("size").asLong() : null, text(b, "sha256")));
    }
    return List.copyOf(out);
  }

  /** The host bundle of {@code host}, if this sidecar lists one. */
  public Optional<HostBundle> hostBundle(String host) {
    return hostBundles.stream().filter(b -> host.equals(b.host())).findFirst();
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).isTextual() ? n.get(field).asText() : null;
  }

  /**
   * Why this sidecar cannot vouch for snapshot {@code name}, or empty when it can: it must name that file, give its
   * size and SHA-256, and name no bundle other than {@link SnapshotStore#bundleName} and no host bundle other than
   * {@link SnapshotStore#hostBundleName} (names in a sidecar are data and must not lead a copy elsewhere).
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
    if (bundle != null && !bundle.equals(SnapshotStore.bundleName(name))) {
      return Optional.of("its sidecar names bundle " + bundle + ", not " + SnapshotStore.bundleName(name));
    }
    if (bundle != null && (bundleSha256 == null || !SHA256.matcher(bundleSha256).matches())) {
      return Optional.of("its sidecar names bundle " + bundle + " without a bundle_sha256");
    }
    List<String> hosts = new ArrayList<>();
    for (HostBundle b : hostBundles) {
      if (b.host() == null || !HOST.matcher(b.host()).matches()) {
        return Optional.of("its sidecar lists a host bundle of host " + b.host() + ", not a host name");
      }
      if (!SnapshotStore.hostBundleName(name, b.host()).equals(b.file())) {
        return Optional.of("its sidecar names host bundle " + b.file() + ", not "
            + SnapshotStore.hostBundleName(name, b.host()));
      }
      if (b.size() == null || b.size() < 0 || b.sha256() == null || !SHA256.matcher(b.sha256()).matches()) {
        return Optional.of("its sidecar names host bundle " + b.file() + " without its size and sha256");
      }
      if (hosts.contains(b.host())) {
        return Optional.of("its sidecar lists host " + b.host() + " twice in host_bundles");
      }
      hosts.add(b.host());
    }
    return Optional.empty();
  }
}
