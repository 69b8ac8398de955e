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
   * Lists {@code NAME.bundle.HOST.tar.gz} of each host in the sidecar of the raw snapshot NAME (both in the
   * snapshot's directory), after reading each bundle through to the end: a damaged one is refused before the sidecar
   * vouches for it. A packed name is refused: {@code PackedHostBundles} attaches to a packed set.
   */
  public static List<SidecarFacts.HostBundle> attach(Path snapshot, List<String> hosts) {
    String name = snapshot.getFileName().toString();
    if (name.endsWith(".zst") || name.endsWith(SnapshotStore.AGE_SUFFIX)) {
      throw new InputFileException(snapshot + " is named as a packed snapshot (.zst, .age), but there is no packed"
          + " sidecar " + name + ".json beside it (one with a \"packing\" object, as `snapshot pack` writes). Attach"
          + " host bundles to a packed set with its packed sidecar, or to the raw set before packing it");
    }
    return attach(snapshot, hosts, HostBundleCheck.READ_THROUGH);
  }

  /**
   * Lists {@link SnapshotStore#hostBundleName} of each host (so {@code .tar.gz.age} beside an encrypted name) in
   * the sidecar of snapshot NAME, each bundle held to {@code check} first: on any refusal the sidecar is left as it
   * was. An entry for a host already listed is replaced; the sidecar is rewritten under a .part name.
   */
  public static List<SidecarFacts.HostBundle> attach(Path snapshot, List<String> hosts, HostBundleCheck check) {
    Path dir = snapshot.toAbsolutePath().normalize().getParent();
    String name = snapshot.getFileName().toString();
    Path sidecarPath = dir.resolve(name + ".json");
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
        throw new InputFileException(missing(bundle, name, host));
      }
      check.check(bundle);
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

  /** Says so when the bundle is there under the other name: encrypted for a set that is not, or the reverse. */
  private static String missing(Path bundle, String name, String host) {
    String file = bundle.getFileName().toString();
    boolean encrypted = file.endsWith(SnapshotStore.AGE_SUFFIX);
    Path other = bundle.resolveSibling(encrypted
        ? file.substring(0, file.length() - SnapshotStore.AGE_SUFFIX.length()) : file + SnapshotStore.AGE_SUFFIX);
    if (!Files.exists(other)) {
      return "no " + bundle + ": write it on " + host + " with `etcd-dr bundle write --out " + file
          + (encrypted ? " --age-recipient AGE1...` (the recipients " + name + " was packed to)" : "`");
    }
    return encrypted
        ? "no " + bundle + ", only " + other.getFileName() + ", which is not encrypted: " + name + " is encrypted"
            + " (age), so its host bundles must be too; write it on " + host + " with `etcd-dr bundle write --out "
            + file + " --age-recipient AGE1...` (the recipients " + name + " was packed to)"
        : "no " + bundle + ", only " + other.getFileName() + ", which is encrypted: " + name + " is not, so its"
            + " host bundles are plain .tar.gz; write it on " + host + " with `etcd-dr bundle write --out " + file
            + "` and no --age-recipient";
  }
}
