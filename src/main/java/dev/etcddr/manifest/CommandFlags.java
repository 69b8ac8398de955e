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

  CommandFlags(List<String> argv) {
    for (int i = 0; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
        continue;
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      if (eq >= 0) {
        values.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
        values.put(body, argv.get(++i));
      } else {
        // A bare boolean flag such as --client-cert-auth.
        values.put(body, "true");
      }
    }
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
