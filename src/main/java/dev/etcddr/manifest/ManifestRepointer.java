package dev.etcddr.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites a kubeadm etcd static pod manifest so its member uses another data directory, the one a restore built.
 * Pure: reads the manifest, returns the new text; writing it is the caller's business.
 *
 * <p>The result keeps kubeadm's layout, in which the container sees the data dir at its host path: every
 * {@code --data-dir} of the etcd container, the mountPath of the volume over the data dir and that volume's
 * hostPath all become the new dir. A data dir that was a subdirectory of its mount (mount {@code /var/lib/etcd},
 * {@code --data-dir=/var/lib/etcd/data}) becomes the root of the mount: the restore wrote the member straight into
 * the new dir, so keeping the old relative layout would point etcd at {@code NEW/data}, where nothing is.
 *
 * <p>Everything else is kept: other fields, their order, numbers as numbers and strings as strings. Comments and
 * formatting are not (the document goes through a tree), which is why the new text is read back and compared with
 * the tree it was written from before it is returned ({@link ManifestYaml}).
 */
public final class ManifestRepointer {
  private final ManifestReader reader = new ManifestReader();
  private final DataDirRules rules = new DataDirRules();
  private final ManifestYaml yaml = new ManifestYaml();

  /** @param newDataDir an absolute, normalized host path (checked by the caller; a bad one is a bug here) */
  public RepointedManifest repoint(Path manifest, String newDataDir) {
    if (!isAbsoluteNormalized(newDataDir)) {
      throw new IllegalArgumentException("not an absolute, normalized path: " + newDataDir);
    }
    ManifestReader.Loaded loaded = reader.load(manifest);
    ObjectNode pod = (ObjectNode) loaded.tree().deepCopy();
    DataDirRules.Checked checked = rules.check(manifest, loaded, pod, "repoint it");
    EtcdManifest before = checked.member();
    ManifestReader.DataMount data = checked.data();
    String oldDataDir = before.dataDir();
    String oldHostPath = checked.oldHostPath();
    ObjectNode hostPath = (ObjectNode) data.volume().orElseThrow().get("hostPath");
    List<Slot> argv = argv(checked.container());
    List<CommandFlags.Occurrence> flags = CommandFlags.scan(argv.stream().map(Slot::text).toList());
    refuseNewDirMounted(manifest, pod, data, newDataDir);

    for (CommandFlags.Occurrence flag : flags) {
      if (flag.name().equals("data-dir")) {
        if (flag.index() < 0) {
          throw DataDirRules.refusal(manifest, "a --data-dir flag in the etcd container command has no value",
              "repoint it");
        }
        argv.get(flag.index()).set(flag.prefix() + newDataDir);
      }
    }
    ((ObjectNode) data.mount()).put("mountPath", newDataDir);
    hostPath.put("path", newDataDir);

    String text = yaml.writeChecked(manifest, pod, before.withDataDir(newDataDir, Optional.of(newDataDir)),
        "repointed");
    return new RepointedManifest(manifest, data.volumeName(), oldDataDir, newDataDir, oldHostPath,
        data.mountPath(), text);
  }

  /** etcd's data dir must be written as the restore wrote it: no relative parts, no doubled or trailing slash. */
  public static boolean isAbsoluteNormalized(String dir) {
    Path p = Path.of(dir);
    return p.isAbsolute() && p.getNameCount() > 0 && p.normalize().toString().equals(dir);
  }

  /** The new mountPath must not be one the pod already mounts, or kubelet refuses the pod. */
  private static void refuseNewDirMounted(Path manifest, JsonNode pod, ManifestReader.DataMount data,
      String newDir) {
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(kind)) {
        for (JsonNode mount : c.path("volumeMounts")) {
          if (mount != data.mount() && ManifestReader.stripSlash(mount.path("mountPath").asText("")).equals(newDir)) {
            throw DataDirRules.refusal(manifest, newDir + " is already the mountPath of volume '"
                + mount.path("name").asText("") + "' (" + mount.path("mountPath").asText("") + " in container '"
                + c.path("name").asText("") + "')", "repoint it");
          }
        }
      }
    }
  }

  /** One string of the etcd container's command or args, which etcd reads as one argv. */
  record Slot(ArrayNode array, int index) {
    String text() {
      return array.get(index).asText();
    }

    void set(String text) {
      array.set(index, TextNode.valueOf(text));
    }
  }

  /** The etcd container's argv as etcd reads it: command, then args. */
  static List<String> argvTexts(JsonNode container) {
    return argv(container).stream().map(Slot::text).toList();
  }

  static List<Slot> argv(JsonNode container) {
    List<Slot> slots = new ArrayList<>();
    for (String field : List.of("command", "args")) {
      if (container.get(field) instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          slots.add(new Slot(array, i));
        }
      }
    }
    return slots;
  }
}
