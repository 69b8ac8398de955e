package dev.etcddr.manifest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
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
 * the tree it was written from before it is returned.
 */
public final class ManifestRepointer {
  private final ManifestReader reader = new ManifestReader();
  private final DataDirRules rules = new DataDirRules();
  private final ObjectMapper yamlReader = new ObjectMapper(new YAMLFactory());
  private final ObjectMapper yamlWriter = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .stringQuotingChecker(new QuoteUnlessPlainReadsBack())
      .build());

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

    String yaml = write(pod);
    checkReadsBack(manifest, pod, yaml, before.withDataDir(newDataDir, Optional.of(newDataDir)));
    return new RepointedManifest(manifest, data.volumeName(), oldDataDir, newDataDir, oldHostPath,
        data.mountPath(), yaml);
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
  private record Slot(ArrayNode array, int index) {
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

  private static List<Slot> argv(JsonNode container) {
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

  private String write(JsonNode pod) {
    try {
      return yamlWriter.writeValueAsString(pod);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the repointed manifest as YAML", e);
    }
  }

  /**
   * The new text must read back as exactly the tree it was written from (same fields in the same order, same
   * types) and as the same member but for its data dir. A difference is a bug here, and nothing is written.
   */
  private void checkReadsBack(Path manifest, JsonNode pod, String yaml, EtcdManifest expected) {
    JsonNode reread;
    try {
      reread = yamlReader.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the repointed manifest of " + manifest + " is not valid YAML", e);
    }
    if (!pod.equals(reread) || !pod.toString().equals(reread.toString())) {
      throw new IllegalStateException("the repointed manifest of " + manifest + " does not read back as written");
    }
    EtcdManifest after = reader.fromTree(manifest, reread);
    if (!after.equals(expected)) {
      throw new IllegalStateException("the repointed manifest of " + manifest + " reads back as " + after
          + ", expected " + expected);
    }
  }

  /**
   * Quotes a string exactly when its plain form would read back as something else: "true", "2381", "0x1F", "~",
   * "1e3", "- a", "a: b" and whatever else YAML 1.1 resolves to another type or structure. Jackson's own rule also
   * quotes harmless commas, which would make the copy differ from kubeadm's text in lines nobody changed.
   */
  private static final class QuoteUnlessPlainReadsBack extends StringQuotingChecker {
    private static final long serialVersionUID = 1L;
    private final StringQuotingChecker standard = StringQuotingChecker.Default.instance();
    private final ObjectMapper plain = new ObjectMapper(new YAMLFactory());

    @Override
    public boolean needToQuoteName(String name) {
      return standard.needToQuoteName(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      try {
        JsonNode read = plain.readTree(value);
        return read == null || !read.isTextual() || !read.asText().equals(value);
      } catch (JacksonException e) {
        return true;
      }
    }
  }
}
