package dev.etcddr.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.etcddr.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Each control-plane host's own bundle (its PKI and static pod manifests differ from the other hosts': serving and
 * peer certificates name the host), kept beside a snapshot so that a host rebuilt with an empty
 * {@code /etc/kubernetes} can be given back exactly its own configuration. {@code bundle write} makes one on its
 * host; {@code snapshot attach-bundles} lists them in the snapshot's sidecar (so stores copy, check and prune them
 * with the set); {@link BundleRestore} puts one back.
 */
public final class HostBundles {
  /** A host bundle just written. */
  public record Written(String file, long size, String sha256, String encryptionConfig, int entries) {}

  private HostBundles() {}

  /** The bundle of the host whose etcd manifest is {@code manifest}, as {@code snapshot save --bundle} writes it. */
  public static Written write(Path out, Path manifest, boolean force) {
    Path target = out.toAbsolutePath().normalize();
    if (!force && Files.exists(target)) {
      throw new OutputRefusedException(target + " already exists; pass --force to replace it");
    }
    BundleWriter.Bundle b = BundleWriter.writeFor(target, manifest, force);
    try {
      return new Written(b.file().toString(), Files.size(b.file()), b.sha256(), b.encryptionConfig().orElse(null),
          b.entries());
    } catch (IOException e) {
      throw new OutputRefusedException("cannot read back " + b.file() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Lists {@code NAME.bundle.HOST.tar.gz} of each host in the sidecar of snapshot NAME (both in the snapshot's
   * directory), after reading each bundle through to the end: a damaged one is refused before the sidecar vouches
   * for it. An entry for a host already listed is replaced; the sidecar is rewritten under a .part name.
   */
  public static List<SidecarFacts.HostBundle> attach(Path snapshot, List<String> hosts) {
    Path dir = snapshot.toAbsolutePath().normalize().getParent();
    String name = snapshot.getFileName().toString();
    Path sidecarPath = dir.resolve(name + ".json");
    if (name.endsWith(".zst") || name.endsWith(SnapshotStore.AGE_SUFFIX)) {
      throw new InputFileException(snapshot + " is packed: attach host bundles to the set `snapshot save` wrote,"
          + " then pack it (pack encrypts them with the snapshot)");
    }
    ObjectNode sidecar;
    try {
      JsonNode n = Files.isRegularFile(sidecarPath) ? Json.mapper().readTree(sidecarPath.toFile()) : null;
      if (n == null || !n.isObject()) {
        throw new InputFileException(sidecarPath + " is not a sidecar (a JSON object): attach bundles to a snapshot"
            + " `snapshot save` wrote");
      }
      sidecar = (ObjectNode) n;
    } catch (IOException e) {
      throw new InputFileException("cannot read the sidecar " + sidecarPath + ": " + e.getMessage());
    }
    List<SidecarFacts.HostBundle> added = new ArrayList<>();
    LocalSide side = new LocalSide(dir);
    for (String host : hosts) {
      if (!SidecarFacts.HOST.matcher(host).matches()) {
        throw new InputFileException("host '" + host + "' is not a host name (letters, digits, . _ -)");
      }
      Path bundle = dir.resolve(SnapshotStore.hostBundleName(name, host));
      if (!Files.isRegularFile(bundle)) {
        throw new InputFileException("no " + bundle + ": write it on " + host + " with `etcd-dr bundle write`");
      }
      TarGzReader.read(bundle);
      String file = bundle.getFileName().toString();
      try {
        added.add(new SidecarFacts.HostBundle(host, file, side.size(file).orElseThrow(), side.sha256Hex(file)));
      } catch (IOException e) {
        throw new InputFileException("cannot read " + bundle + ": " + e.getMessage());
      }
    }
    ArrayNode list = Json.mapper().createArrayNode();
    JsonNode old = sidecar.get("host_bundles");
    if (old != null && old.isArray()) {
      old.forEach(e -> {
        if (!hosts.contains(e.path("host").asText())) {
          list.add(e);
        }
      });
    }
    added.forEach(b -> list.add(Json.mapper().createObjectNode().put("host", b.host()).put("file", b.file())
        .put("size", b.size()).put("sha256", b.sha256())));
    sidecar.set("host_bundles", list);
    Path part = dir.resolve(name + ".json.part");
    try (PartFile file = PartFile.create(part)) {
      file.channel().write(ByteBuffer.wrap(Json.mapper().writeValueAsBytes(sidecar)));
      file.publish(sidecarPath, true);
    } catch (IOException e) {
      throw new OutputRefusedException("rewriting " + sidecarPath + " failed: " + e.getMessage(), e);
    }
    return List.copyOf(added);
  }
}
