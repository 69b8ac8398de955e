package dev.etcddr.awx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a playbook (and the roles it runs) reads a variable: names inside Jinja expressions ({@code {{ }}},
 * {@code {% %}}) and in the bare expressions of when/that/failed_when/changed_when/until. A name in a comment, a
 * message or a quoted string inside an expression does not count, so "the survey variable is used" means used.
 */
final class VariableReferences {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> CONDITIONALS = Set.of("when", "that", "failed_when", "changed_when", "until");
  private static final Set<String> ROLE_INCLUDES = Set.of("ansible.builtin.include_role", "ansible.builtin.import_role",
      "include_role", "import_role");
  private static final Pattern JINJA = Pattern.compile("\\{\\{(.*?)}}|\\{%(.*?)%}", Pattern.DOTALL);
  private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
  private static final Pattern NAME = Pattern.compile("(?<![\\w.])[A-Za-z_][A-Za-z0-9_]*");

  private VariableReferences() {}

  static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Names read by expressions anywhere in this YAML tree. */
  static Set<String> in(JsonNode node) {
    Set<String> names = new LinkedHashSet<>();
    collect(node, false, names);
    return names;
  }

  /** Names read by the Jinja expressions of a template file (*.j2). */
  static Set<String> inTemplate(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = JINJA.matcher(text);
    while (m.find()) {
      names.addAll(namesOf(m.group(1) != null ? m.group(1) : m.group(2)));
    }
    return names;
  }

  private static void collect(JsonNode node, boolean bareExpression, Set<String> names) {
    if (node.isTextual()) {
      names.addAll(bareExpression ? namesOf(node.asText()) : inTemplate(node.asText()));
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, bareExpression, names));
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        collect(e.getValue(), CONDITIONALS.contains(e.getKey()), names);
      }
    }
  }

  private static Set<String> namesOf(String expression) {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = NAME.matcher(QUOTED.matcher(expression).replaceAll("''"));
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** Roles a YAML tree runs: play-level roles and include_role/import_role tasks. */
  static Set<String> rolesRunBy(JsonNode node) {
    Set<String> roles = new LinkedHashSet<>();
    if (node.isArray()) {
      node.forEach(n -> roles.addAll(rolesRunBy(n)));
    } else if (node.isObject()) {
      node.path("roles").forEach(r -> roles.add(r.isTextual() ? r.asText() : r.path("role").asText()));
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (ROLE_INCLUDES.contains(e.getKey()) && e.getValue().has("name")) {
          roles.add(e.getValue().get("name").asText());
        } else {
          roles.addAll(rolesRunBy(e.getValue()));
        }
      }
    }
    return roles;
  }

  /** Every file of a role that Ansible evaluates (tasks, handlers, vars, templates), not its defaults or docs. */
  static List<Path> evaluatedFilesOf(Path roleDir) {
    List<Path> files = new ArrayList<>();
    for (String sub : List.of("tasks", "handlers", "vars", "templates")) {
      Path dir = roleDir.resolve(sub);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return files;
  }

  /** Names read by a role and, transitively, by the roles it includes. */
  static Set<String> inRole(Path rolesDir, String role, Set<String> seen) {
    Set<String> names = new LinkedHashSet<>();
    if (!seen.add(role)) {
      return names;
    }
    for (Path f : evaluatedFilesOf(rolesDir.resolve(role))) {
      if (f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")) {
        JsonNode tree = readYaml(f);
        names.addAll(in(tree));
        for (String inner : rolesRunBy(tree)) {
          names.addAll(inRole(rolesDir, inner, seen));
        }
      } else {
        try {
          names.addAll(inTemplate(Files.readString(f)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return names;
  }
}
