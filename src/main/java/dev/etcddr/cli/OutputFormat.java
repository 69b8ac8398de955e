package dev.etcddr.cli;

/** {@code -o text} for people, {@code -o json} for playbooks (stable field names). */
public enum OutputFormat {
  text,
  json
}
