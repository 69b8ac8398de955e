package dev.etcddr.manifest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.nio.file.Path;

/**
 * Writes an edited static pod tree back as kubeadm-looking YAML, for every rewrite of a manifest (repoint, join).
 * The text is read back before it is returned: the same tree (fields in the same order, same types) and the member
 * the edit meant. A difference is a bug here, and nothing is written.
 */
final class ManifestYaml {
  private final ManifestReader reader = new ManifestReader();
  private final ObjectMapper yamlReader = new ObjectMapper(new YAMLFactory());
  private final ObjectMapper yamlWriter = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .stringQuotingChecker(new QuoteUnlessPlainReadsBack())
      .build());

  /** @param what how the copy is named in a bug report ("repointed", "joining") */
  String writeChecked(Path manifest, JsonNode pod, EtcdManifest expected, String what) {
    String yaml;
    try {
      yaml = yamlWriter.writeValueAsString(pod);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the " + what + " manifest as YAML", e);
    }
    JsonNode reread;
    try {
      reread = yamlReader.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the " + what + " manifest of " + manifest + " is not valid YAML", e);
    }
    if (!pod.equals(reread) || !pod.toString().equals(reread.toString())) {
      throw new IllegalStateException("the " + what + " manifest of " + manifest + " does not read back as written");
    }
    EtcdManifest after = reader.fromTree(manifest, reread);
    if (!after.equals(expected)) {
      throw new IllegalStateException("the " + what + " manifest of " + manifest + " reads back as " + after
          + ", expected " + expected);
    }
    return yaml;
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
