package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * awx/templates.yml against the installed ansible and awx.awx (Debian's `ansible` package), and survey answers as
 * AWX sends them (strings, in an extra-vars file) through the playbooks' own mapping, argument specs and checks.
 * No controller is needed: nothing here talks to one.
 */
class AwxTemplatesIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Repo.root();
  private static final Path ROLES = ROOT.resolve("playbooks/roles");

  @TempDir
  Path tmp;

  @Test
  void templates_playbook_passes_syntax_check_and_ansible_lint() {
    Proc.run(List.of("ansible-playbook", "--syntax-check", "awx/templates.yml"), Map.of(), ROOT, 120)
        .requireSuccess();
    // Production profile from .ansible-lint; .ansible-lint-ignore covers ansible-lint 6.13's pre-v3 EE schema.
    Proc.Result lint = Proc.run(List.of("ansible-lint", "playbooks/", "awx/", "execution-environment.yml"),
        Map.of(), ROOT, 300);
    assertEquals(0, lint.exitCode(), lint.stdout() + lint.stderr());
  }

  @Test
  void every_awx_module_argument_is_an_option_of_that_module() throws IOException {
    // ansible-lint 6.13 does not check awx.awx arguments: a misspelt allow_simultaneous would pass it.
    JsonNode play = YAML.readTree(ROOT.resolve("awx/templates.yml").toFile()).get(0);
    List<String> unknown = new ArrayList<>();
    int checked = 0;
    for (JsonNode task : play.path("tasks")) {
      for (String module : iterable(task.fieldNames())) {
        if (!module.startsWith("awx.awx.")) {
          continue;
        }
        Set<String> options = optionsOf(module);
        for (String arg : iterable(task.get(module).fieldNames())) {
          checked++;
          if (!options.contains(arg)) {
            unknown.add(module + ": " + arg);
          }
        }
      }
    }
    for (String arg : iterable(play.path("module_defaults").path("group/awx.awx.controller").fieldNames())) {
      if (!optionsOf("awx.awx.job_template").contains(arg)) {
        unknown.add("module_defaults: " + arg);
      }
    }
    assertTrue(checked > 40, "checked only " + checked + " arguments");
    assertEquals(List.of(), unknown);
  }

  private Set<String> optionsOf(String module) throws IOException {
    JsonNode doc = JSON.readTree(Proc.run(List.of("ansible-doc", "-j", module)).requireSuccess().stdout());
    Set<String> names = new HashSet<>();
    doc.path(module).path("doc").path("options").fields().forEachRemaining(e -> {
      names.add(e.getKey());
      e.getValue().path("aliases").forEach(a -> names.add(a.asText()));
    });
    assertTrue(!names.isEmpty(), "ansible-doc knows no options of " + module + " (is awx.awx installed?)");
    return names;
  }

  @Test
  void restore_survey_answers_pass_as_strings_and_wrong_ones_are_refused() throws IOException {
    // The survey's own defaults, and the confirmation typed, exactly as AWX sends them.
    ObjectNode answers = JSON.createObjectNode();
    for (JsonNode q : JSON.readTree(ROOT.resolve("awx/surveys/restore.json").toFile()).path("spec")) {
      if (q.has("default")) {
        answers.set(q.get("variable").asText(), q.get("default"));
      }
    }
    answers.put("etcd_dr_confirm", "prod");
    answers.put("etcd_dr_cluster_name", "prod"); // from the inventory in AWX
    Path probe = restoreProbe();

    assertPasses(probe, answers, "the survey's defaults");
    answers.put("etcd_dr_bump", "1000000");
    assertPasses(probe, answers, "a number typed as text");
    answers.put("etcd_dr_takeover", "20250101t021500z");
    assertPasses(probe, answers, "a takeover id");

    Proc.Result badBump = run(probe, answers.deepCopy().put("etcd_dr_bump", "1e6"));
    assertNotEquals(0, badBump.exitCode());
    assertTrue(badBump.stdout().contains("etcd_dr_bump must be"), badBump.stdout());
    Proc.Result wrongCluster = run(probe, answers.deepCopy().put("etcd_dr_confirm", "staging"));
    assertNotEquals(0, wrongCluster.exitCode());
    assertTrue(wrongCluster.stdout().contains("-e etcd_dr_confirm=prod (got 'staging')"), wrongCluster.stdout());

    // Quorum lost: the survivor named and the snapshot answer cleared; named beside the snapshot, refused.
    ObjectNode survivor = answers.deepCopy().put("etcd_dr_snapshot", "").put("etcd_dr_source_datadir", "cp1");
    assertPasses(probe, survivor, "a surviving member's host, the snapshot cleared");
    Proc.Result both = run(probe, survivor.deepCopy().put("etcd_dr_snapshot", "latest"));
    assertNotEquals(0, both.exitCode());
    assertTrue(both.stdout().contains("give exactly one of etcd_dr_snapshot"), both.stdout());
  }

  @Test
  void rollback_survey_answer_passes_as_a_string_and_a_bad_id_is_refused() throws IOException {
    JsonNode rollback = YAML.readTree(ROOT.resolve("playbooks/rollback.yml").toFile()).get(0);
    JsonNode include = rollback.path("tasks").get(0);
    assertEquals("rollback_entry.yml", include.path("ansible.builtin.include_role").path("tasks_from").asText());
    // The real first check of rollback_entry.yml (the rest of it acts on hosts).
    JsonNode check = YAML.readTree(ROLES.resolve("etcd_restore/tasks/rollback_entry.yml").toFile()).get(0);
    assertTrue(check.has("ansible.builtin.assert"), "rollback_entry.yml should start with its check: " + check);
    Path probe = probe("rollback_entry", include.path("vars"), List.of(check));

    assertPasses(probe, JSON.createObjectNode().put("etcd_dr_restore_id", "20250101t021500z"), "a restore id");
    Proc.Result bad = run(probe, JSON.createObjectNode().put("etcd_dr_restore_id", "../etc"));
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.stdout().contains("pass -e etcd_dr_restore_id="), bad.stdout());
  }

  /** restore.yml's own role vars, checked by the role's argument spec, then the role's validate.yml. */
  private Path restoreProbe() throws IOException {
    JsonNode role = YAML.readTree(ROOT.resolve("playbooks/restore.yml").toFile()).get(0).path("roles").get(0);
    assertEquals("etcd_restore", role.path("role").asText());
    ObjectNode validate = JSON.createObjectNode().put("name", "The role's checks");
    validate.putObject("ansible.builtin.include_role").put("name", "etcd_restore").put("tasks_from", "validate.yml");
    return probe("main", role.path("vars"), List.of(validate));
  }

  /**
   * A localhost play: the playbook's mapping checked against the role's argument spec entry point, then the checks
   * run with the mapping as task vars (above the role's defaults, as role vars are in the real playbooks).
   */
  private Path probe(String entryPoint, JsonNode mappedVars, List<JsonNode> checks) throws IOException {
    ObjectNode play = JSON.createObjectNode().put("name", "Survey answers as AWX sends them")
        .put("hosts", "localhost").put("connection", "local").put("gather_facts", false);
    // The defaults the checks' messages name (task vars below outrank them).
    play.putArray("vars_files").add(ROLES.resolve("etcd_dr_common/defaults/main.yml").toString())
        .add(ROLES.resolve("etcd_dr_common/vars/main.yml").toString())
        .add(ROLES.resolve("etcd_restore/defaults/main.yml").toString());
    ArrayNode tasks = play.putArray("tasks");
    ObjectNode spec = tasks.addObject().put("name", "The role's argument spec")
        .putObject("ansible.builtin.validate_argument_spec");
    spec.put("argument_spec", "{{ (lookup('ansible.builtin.file', '"
        + ROLES.resolve("etcd_restore/meta/argument_specs.yml") + "') | from_yaml).argument_specs." + entryPoint
        + ".options }}");
    spec.set("provided_arguments", mappedVars);
    for (JsonNode check : checks) {
      ObjectNode task = check.deepCopy();
      task.set("vars", mappedVars);
      tasks.add(task);
    }
    Path file = tmp.resolve(entryPoint + "-probe.yml");
    YAML.writeValue(file.toFile(), JSON.createArrayNode().add(play));
    return file;
  }

  private void assertPasses(Path probe, JsonNode answers, String what) throws IOException {
    Proc.Result r = run(probe, answers);
    assertEquals(0, r.exitCode(), what + " must pass: " + answers + "\n" + r.stdout() + r.stderr());
  }

  private Proc.Result run(Path probe, JsonNode extraVars) throws IOException {
    Path vars = tmp.resolve("extravars.json");
    JSON.writeValue(vars.toFile(), extraVars);
    return Proc.run(List.of("ansible-playbook", probe.toString(), "-e", "@" + vars),
        Map.of("ANSIBLE_ROLES_PATH", ROLES.toString(), "ANSIBLE_NOCOLOR", "1"), tmp, 120);
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
