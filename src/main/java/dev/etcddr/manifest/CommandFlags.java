package dev.etcddr.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code --flag} values of a container command line, as etcd's own flag parser would see them: both
 * {@code --k=v} and {@code --k v} forms, and when a flag repeats the last one wins.
 */
final class CommandFlags {
  private final Map<String, String> values = new HashMap<>();

  /**
   * Where one flag's value sits in argv: the token at {@code index}, either the whole token ({@code --k v}) or the
   * part after {@code prefix} ({@code --k=v}, prefix {@code --k=}).
   */
  record Occurrence(String name, String value, int index, String prefix) {}

  CommandFlags(List<String> argv) {
    for (Occurrence o : scan(argv)) {
      values.put(o.name(), o.value());
    }
  }

  /** Every flag in argv in order, so the reader and the data-dir rewrite see the same flags. */
  static List<Occurrence> scan(List<String> argv) {
    List<Occurrence> found = new ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
        continue;
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        found.add(new Occurrence(body.substring(0, eq), body.substring(eq + 1), i,
            arg.substring(0, arg.length() - body.length() + eq + 1)));
      } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
        found.add(new Occurrence(body, argv.get(i + 1), i + 1, ""));
        i++;
      } else {
        // A bare boolean flag such as --client-cert-auth.
        found.add(new Occurrence(body, "true", -1, ""));
      }
    }
    return found;
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** Comma-separated list flags (URLs); empty when the flag is absent. */
  List<String> list(String name) {
    List<String> out = new ArrayList<>();
    get(name).ifPresent(v -> {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    });
    return out;
  }
}
