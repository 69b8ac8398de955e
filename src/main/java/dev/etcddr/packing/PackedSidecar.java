package dev.etcddr.packing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.Json;
import dev.etcddr.snapshot.SidecarFacts;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sidecar says a packed file must be, in both forms. A packed set's sidecar {@code P.json} describes P
 * itself in {@code file}, {@code file_size} and {@code sha256} (so stores copy and check it as any set), and adds
 * {@code packing}:
 * <pre>
 * "packing": {"compression": "zstd"|null, "zstd_level": 3|null, "encryption": "age"|null,
 *             "recipients": ["age1..."], "raw_file": "X.db", "raw_size": N, "raw_sha256": "...",
 *             "raw_bundle": "X.db.bundle.tar.gz"|null, "raw_bundle_sha256": "..."|null}
 * </pre>
 * and, in each {@code host_bundles} entry packed with the set, {@code raw_file}, {@code raw_size} and
 * {@code raw_sha256}. Raw is the file as {@code snapshot save} (or {@code bundle write}) wrote it, whose sha256 the
 * old sidecar had. An entry {@code attach-bundles} added to the packed set (a bundle encrypted on its host by
 * {@code bundle write --age-recipient}) has no raw fields: the controller could not read it. Only its packed size
 * and sha256 are held to then; age's own authentication covers the rest.
 *
 * @param sidecar where these facts came from, for messages
 * @param size bytes of the packed file; null when no sidecar vouches for it
 * @param rawSize bytes once unpacked, null when unknown
 */
record PackedSidecar(Path sidecar, Long size, String sha256, Long rawSize, String rawSha256) {
  static final String FIELD = "packing";
  private static final Pattern BUNDLE = Pattern.compile("(.+)\\.bundle\\.tar\\.gz\\.age");
  private static final Pattern HOST_BUNDLE = Pattern.compile("(.+)\\.bundle\\.([^/]+)\\.tar\\.gz\\.age");

  /**
   * The facts for {@code file}: from {@code file.json} when there is one; for a packed set's encrypted bundle
   * or host bundle, from the snapshot's sidecar. Empty when no sidecar speaks of it (a file packed by hand).
   */
  static Optional<PackedSidecar> of(Path file) {
    String name = file.getFileName().toString();
    Path own = file.resolveSibling(name + ".json");
    if (Files.isRegularFile(own)) {
      JsonNode n = read(own);
      SidecarFacts facts = facts(own);
      if (!name.equals(facts.file())) {
        throw new SnapshotIntegrityException(own + " names file " + facts.file() + ", not " + name
            + ": not the sidecar of this file");
      }
      JsonNode p = n.path(FIELD);
      return Optional.of(new PackedSidecar(own, facts.fileSize(), facts.sha256(), number(p, "raw_size"),
          text(p, "raw_sha256")));
    }
    Matcher b = BUNDLE.matcher(name);
    if (b.matches() && Files.isRegularFile(file.resolveSibling(b.group(1) + ".json"))) {
      Path sidecar = file.resolveSibling(b.group(1) + ".json");
      SidecarFacts facts = facts(sidecar);
      if (name.equals(facts.bundle())) {
        return Optional.of(new PackedSidecar(sidecar, null, facts.bundleSha256(), null,
            text(read(sidecar).path(FIELD), "raw_bundle_sha256")));
      }
    }
    Matcher h = HOST_BUNDLE.matcher(name);
    if (h.matches() && Files.isRegularFile(file.resolveSibling(h.group(1) + ".json"))) {
      Path sidecar = file.resolveSibling(h.group(1) + ".json");
      for (JsonNode e : read(sidecar).path("host_bundles")) {
        if (name.equals(text(e, "file"))) {
          return Optional.of(new PackedSidecar(sidecar, number(e, "size"), text(e, "sha256"), number(e, "raw_size"),
              text(e, "raw_sha256")));
        }
      }
    }
    return Optional.empty();
  }

  private static SidecarFacts facts(Path sidecar) {
    try {
      return SidecarFacts.parse(Files.readAllBytes(sidecar));
    } catch (IOException e) {
      throw new SnapshotIntegrityException(sidecar + " is not a readable sidecar: " + e.getMessage(), e);
    }
  }

  private static JsonNode read(Path sidecar) {
    try {
      JsonNode n = Json.mapper().readTree(sidecar.toFile());
      if (n == null || !n.isObject()) {
        throw new SnapshotIntegrityException(sidecar + " is not a sidecar (a JSON object)");
      }
      return n;
    } catch (IOException e) {
      throw new SnapshotIntegrityException(sidecar + " is not a readable sidecar: " + e.getMessage(), e);
    }
  }

  static String text(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).isTextual() ? n.get(field).asText() : null;
  }

  static Long number(JsonNode n, String field) {
    return n.hasNonNull(field) && n.get(field).canConvertToLong() ? n.get(field).asLong() : null;
  }
}
