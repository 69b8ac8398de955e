package dev.etcddr.manifest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
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
    EtcdManifest before = reader.fromTree(manifest, loaded.tree());
    refuseMoreDocuments(manifest, loaded.bytes());
    ObjectNode pod = (ObjectNode) loaded.tree().deepCopy();
    JsonNode container = ManifestReader.etcdContainer(manifest, pod.path("spec").path("containers"));

    List<Slot> argv = argv(container);
    List<CommandFlags.Occurrence> flags = CommandFlags.scan(argv.stream().map(Slot::text).toList());
    for (String unsupported : List.of("config-file", "wal-dir")) {
      if (flags.stream().anyMatch(f -> f.name().equals(unsupported))) {
        throw refusal(manifest, unsupported.equals("config-file")
            ? "etcd runs with --config-file, which makes it ignore its other flags; edit the data dir in that file"
            : "etcd runs with --wal-dir: a restored member keeps its WAL in the data dir, and etcd would replay the"
                + " old WAL against it; remove --wal-dir first");
      }
    }
    String oldDataDir = before.dataDir();
    if (!oldDataDir.startsWith("/")) {
      throw refusal(manifest, "--data-dir '" + oldDataDir + "' is not an absolute path");
    }
    ManifestReader.DataMount data = ManifestReader.dataMount(pod, container, oldDataDir).orElseThrow(() ->
        refusal(manifest, "--data-dir " + oldDataDir + " is on no volumeMount of the etcd container, so its data"
            + " does not survive a restart"));
    JsonNode volume = data.volume().orElseThrow(() -> refusal(manifest, "--data-dir " + oldDataDir
        + " is on volume '" + data.volumeName() + "', which is not a hostPath volume"));
    JsonNode hostPath = volume.get("hostPath");
    String oldHostPath = hostPath.path("path").asText("");
    if (!(hostPath instanceof ObjectNode) || oldHostPath.isEmpty()) {
      throw refusal(manifest, "volume '" + data.volumeName() + "' has no hostPath.path");
    }
    if (data.mount().has("subPath") || data.mount().has("subPathExpr")) {
      throw refusal(manifest, "the mount of volume '" + data.volumeName() + "' at " + data.mountPath()
          + " uses a subPath, so the new host dir would not be the data dir");
    }
    refuseOtherMounts(manifest, pod, data, newDataDir);

    for (CommandFlags.Occurrence flag : flags) {
      if (flag.name().equals("data-dir")) {
        if (flag.index() < 0) {
          throw refusal(manifest, "a --data-dir flag in the etcd container command has no value");
        }
        argv.get(flag.index()).set(flag.prefix() + newDataDir);
      }
    }
    ((ObjectNode) data.mount()).put("mountPath", newDataDir);
    ((ObjectNode) hostPath).put("path", newDataDir);

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

  private static ManifestException refusal(Path manifest, String why) {
    return new ManifestException(manifest, why + "; refusing to repoint it");
  }

  /** kubelet reads only the first YAML document; a rewrite through one tree would silently drop the others. */
  private void refuseMoreDocuments(Path manifest, byte[] bytes) {
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
      throw refusal(manifest, "holds " + documents + " YAML documents (kubelet reads only the first)");
    }
  }

  /**
   * The repointed volume must be the data dir's alone: moving it would move every other mount of it too. And the
   * new mountPath must not be one the pod already mounts, or kubelet refuses the pod.
   */
  private static void refuseOtherMounts(Path manifest, JsonNode pod, ManifestReader.DataMount data, String newDir) {
    for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(kind)) {
        for (JsonNode mount : c.path("volumeMounts")) {
          if (mount == data.mount()) {
            continue;
          }
          String where = mount.path("mountPath").asText("") + " in container '" + c.path("name").asText("") + "'";
          if (mount.path("name").asText("").equals(data.volumeName())) {
            throw refusal(manifest, "volume '" + data.volumeName() + "' is also mounted at " + where
                + "; repointing it would move that mount too");
          }
          if (ManifestReader.stripSlash(mount.path("mountPath").asText("")).equals(newDir)) {
            throw refusal(manifest, newDir + " is already the mountPath of volume '" + mount.path("name").asText("")
                + "' (" + where + ")");
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
