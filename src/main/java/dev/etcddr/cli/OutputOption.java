package dev.etcddr.cli;

import picocli.CommandLine.Option;

/** The shared {@code -o/--output} option. */
public final class OutputOption {
  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON field names are stable.")
  OutputFormat format = OutputFormat.text;

  boolean json() {
    return format == OutputFormat.json;
  }
}
