package dev.etcddr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.etcddr.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The shared {@code -o/--output} option. */
public final class OutputOption {
  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON field names are stable.")
  OutputFormat format = OutputFormat.text;

  boolean json() {
    return format == OutputFormat.json;
  }

  /** One JSON document on its own line: every {@code -o json} goes through here. */
  static void printJson(PrintWriter out, Object value) {
    try {
      out.println(Json.mapper().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(value.getClass().getSimpleName() + " is not serializable", e);
    }
  }
}
