package dev.etcddr.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The rules a manifest must pass before etcd-dr changes where its member's data lives, shared by {@code manifest
 * repoint} (new dir in the manifest) and the in-place restore (same dir, new contents): etcd reads its data dir
 * from {@code --data-dir} alone, which lives on a hostPath volume mounted only there. Pure: reads, never writes.
 */
public final class DataDirRules {
  private final ManifestReader reader = new ManifestReader();
  private final ObjectMapper yamlReader = new ObjectMapper(new YAMLFactory());

  /**
   * Where a manifest that passed the rules keeps its member's data.
   *
   * @param hostDataDir the host directory etcd's {@code --data-dir} is: the volume's hostPath plus the part of the
   *     data dir below the mountPath
   */
  public record EtcdDataDir(EtcdManifest member, String volume, String mountPath, String hostPath,
      String hostDataDir) {}

  /** The rules, on a manifest file; {@code purpose} ends each refusal ("restore in place"). */
  public EtcdDataDir check(Path manifest, String purpose) {
    ManifestReader.Loaded loaded = reader.load(manifest);
    Checked c = check(manifest, loaded, loaded.tree(), purpose);
    return new EtcdDataDir(c.member(), c.data().volumeName(), c.data().mountPath(), c.oldHostPath(),
        c.member().hostDataDir().orElseThrow());
  }

  /** What the rules found, on the tree the caller may go on to edit. */
  record Checked(EtcdManifest member, JsonNode container, ManifestReader.DataMount data, String oldHostPath) {}

  /** @param pod the tree of {@code loaded} or a copy of it; the nodes returned are that tree's */
  Checked check(Path manifest, ManifestReader.Loaded loaded, JsonNode pod, String purpose) {
    EtcdManifest member = reader.fromTree(manifest, pod);
    refuseMoreDocuments(manifest, loaded.bytes(), purpose);
    JsonNode container = ManifestReader.etcdContainer(manifest, pod.path("spec").path("containers"));
    List<String> argv = ManifestRepointer.argvTexts(container);
    for (CommandFlags.Occurrence f : CommandFlags.scan(argv)) {
      if (f.name().equals("config-file")) {
        throw refusal(manifest, "etcd runs with --config-file, which makes it ignore its other flags; edit the data"
            + " dir in that file", purpose);
      }
      if (f.name().equals("wal-dir")) {
        throw refusal(manifest, "etcd runs with --wal-dir, so its WAL lives outside the data dir: a restored member"
            + " keeps its WAL in the data dir, and etcd would replay the old WAL against it; remove --wal-dir first",
            purpose);
      }
    }
    String dataDir = member.dataDir();
    if (!dataDir.startsWith("/")) {
      throw refusal(manifest, "--data-dir '" + dataDir + "' is not an absolute path", purpose);
    }
    ManifestReader.DataMount data = ManifestReader.dataMount(pod, container, dataDir).orElseThrow(() ->
        refusal(manifest, "--data-dir " + dataDir + " is on no volumeMount of the etcd container, so its data"
            + " does not survive a restart", purpose));
    JsonNode volume = data.volume().orElseThrow(() -> refusal(manifest, "--data-dir " + dataDir
        + " is on volume '" + data.volumeName() + "', which is not a hostPath volume", purpose));
    String hostPath = volume.path("hostPath").path("path").asText("");
    if (!volume.path("hostPath").isObject() || hostPath.isEmpty()) {
      throw refusal(manifest, "volume '" + data.volumeName() + "' has no hostPath.path", purpose);
    }
    if (data.mount().has("subPath") || data.mount().has("subPathExpr")) {
      throw refusal(manifest, "the mount of volume '" + data.volumeName() + "' at " + data.mountPath()
          + " uses a subPath, so the host dir is not the data dir", purpose);
    }
    refuseSharedVolume(manifest, pod, data, purpose);
    return new Checked(member, container, data, hostPath);
  }

  static ManifestException refusal(Path manifest, String why, String purpose) {
    return new ManifestException(manifest, why + "; refusing to " + purpose);
  }

  /** kubelet reads only the first YAML document; a rewrite through one tree would silently drop the others. */
  private void refuseMoreDocuments(Path manifest, byte[] bytes, String purpose) {
    int documents = 0;
    try (MappingIterator<JsonNode> docs = yamlReader.readerFor(JsonNode.class).readValues(bytes)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        documents += doc == null || doc.isNull() || doc.isMissingNode() ? 0 : 1;
      }
    } catch (IOException e) {
      throw new ManifestException(manifest, "not valid YAML after its first document: " + e.getMessage(), e);
    }
    if (documents > 1) {
      throw refusal(manifest, "holds " + documents + " YAML documents (kubelet reads only the first)", purpose);
    }
  }

  /** The data volume must be the data dir's alone: whatever else mounts it would see the data dir move or change. */
  private static void refuseSharedVolume(Path manifest, JsonNode pod, ManifestReader.DataMount data,
      String purpose) {
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(kind)) {
        for (JsonNode mount : c.path("volumeMounts")) {
          if (mount != data.mount() && mount.path("name").asText("").equals(data.volumeName())) {
            throw refusal(manifest, "volume '" + data.volumeName() + "' is also mounted at "
                + mount.path("mountPath").asText("") + " in container '" + c.path("name").asText("")
                + "', which would see the data dir move or change under it", purpose);
          }
        }
      }
    }
  }
}
