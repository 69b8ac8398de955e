package dev.etcddr.manifest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which encrypted values a kube-apiserver can still read: the {@code provider:version:name} of every key in its
 * EncryptionConfiguration ({@code --encryption-provider-config}), as the prefix {@code k8s:enc:PROVIDER:VERSION:NAME:}
 * of a stored value names the key it was written with. aescbc, aesgcm and secretbox keys are format v1; a kms
 * plugin is v1 unless its {@code apiVersion} says v2. Only key names are kept: no secret leaves this class, and
 * none is held after reading.
 *
 * <p>A key counts whichever resources its provider is listed for: storage paths do not say a resource's API group,
 * so matching them against {@code resources[].resources} would guess. An apiserver configured with the key for
 * secrets only still fails to read a configmap written with it; that rarer case is not caught here.
 *
 * @param file the file read
 * @param keys every {@code provider:version:name} it configures, sorted
 */
public record EncryptionConfig(Path file, Set<String> keys) {
  private static final long MAX_BYTES = 1 << 20;
  private static final List<String> KEYED_PROVIDERS = List.of("aescbc", "aesgcm", "secretbox");

  public EncryptionConfig {
    keys = Set.copyOf(keys);
  }

  /** Whether a value prefixed {@code k8s:enc:provider:version:name:} can be read with this configuration. */
  public boolean canRead(String provider, String version, String keyName) {
    return keys.contains(provider + ":" + version + ":" + keyName);
  }

  public static EncryptionConfig read(Path file) {
    JsonNode root;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ManifestException(file, "is larger than 1 MiB; not an EncryptionConfiguration");
      }
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new ManifestException(file, "not found (the kube-apiserver manifest's --encryption-provider-config"
          + " names it; pass --encryption-config PATH)");
    } catch (JacksonException e) {
      // the parser's message can quote the line, and this file holds keys: say where only
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ManifestException(file, "not valid YAML" + where);
    } catch (IOException e) {
      throw new ManifestException(file, "cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.path("kind").asText("").matches("EncryptionConfig(uration)?")) {
      throw new ManifestException(file, "is not an EncryptionConfiguration (kind: "
          + (root == null ? "none" : root.path("kind").asText("none")) + ")");
    }
    Set<String> keys = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode resource : root.path("resources")) {
      for (JsonNode provider : resource.path("providers")) {
        provider.fieldNames().forEachRemaining(type -> {
          JsonNode body = provider.path(type);
          if (KEYED_PROVIDERS.contains(type)) {
            for (JsonNode key : body.path("keys")) {
              String name = key.path("name").asText("");
              if (name.isEmpty()) {
                problems.add(type + " key without a name");
              }
              keys.add(type + ":v1:" + name);
            }
          } else if (type.equals("kms")) {
            String version = body.path("apiVersion").asText("v1");
            keys.add("kms:" + version + ":" + body.path("name").asText(""));
          }
        });
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(file, "is not a valid EncryptionConfiguration: " + String.join("; ", problems));
    }
    return new EncryptionConfig(file, keys);
  }
}
