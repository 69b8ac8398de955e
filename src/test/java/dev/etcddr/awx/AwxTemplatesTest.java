package dev.etcddr.awx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.awx.TemplatesPlaybook.JobTemplate;
import dev.etcddr.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** awx/templates.yml launches this repository's playbooks the way game day needs, and its EE carries the jar. */
class AwxTemplatesTest {
  private static final Path ROOT = Repo.root();
  private static final Path ROLES = ROOT.resolve("playbooks/roles");
  private final TemplatesPlaybook awx = TemplatesPlaybook.load();

  @Test
  void every_survey_variable_is_read_by_the_playbook_it_launches() throws IOException {
    int checked = 0;
    for (JobTemplate t : awx.jobTemplates()) {
      if (t.survey().isEmpty()) {
        continue;
      }
      JsonNode playbook = VariableReferences.readYaml(ROOT.resolve(t.playbook()));
      Set<String> inPlaybook = VariableReferences.in(playbook);
      Set<String> inRoles = new HashSet<>();
      for (String role : VariableReferences.rolesRunBy(playbook)) {
        inRoles.addAll(VariableReferences.inRole(ROLES, role, new HashSet<>()));
      }
      for (JsonNode q : new ObjectMapper().readTree(t.survey().get().toFile()).path("spec")) {
        String v = q.path("variable").asText();
        assertTrue(inPlaybook.contains(v) || inRoles.contains(v),
            t.name() + ": survey variable " + v + " is not read by " + t.playbook() + " or its roles");
        // When the playbook hands it to a role variable, the role must read that one.
        for (String roleVar : varsAssignedFrom(playbook, v)) {
          assertTrue(inRoles.contains(roleVar),
              t.name() + ": " + t.playbook() + " maps " + v + " to " + roleVar + ", which no role reads");
        }
        checked++;
      }
    }
    assertTrue(checked >= 5, "expected the restore and rollback surveys, checked " + checked + " questions");
  }

  /** Keys of any vars: mapping whose value reads {@code variable}. */
  private static List<String> varsAssignedFrom(JsonNode node, String variable) {
    List<String> keys = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> keys.addAll(varsAssignedFrom(n, variable)));
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("vars") && e.getValue().isObject()) {
          e.getValue().fields().forEachRemaining(v -> {
            if (VariableReferences.in(v.getValue()).contains(variable)) {
              keys.add(v.getKey());
            }
          });
        } else {
          keys.addAll(varsAssignedFrom(e.getValue(), variable));
        }
      }
    }
    return keys;
  }

  @Test
  void every_template_launches_a_playbook_of_this_repository() {
    for (JobTemplate t : awx.jobTemplates()) {
      assertTrue(Files.isRegularFile(ROOT.resolve(t.playbook())), t.name() + ": no " + t.playbook());
    }
  }

  @Test
  void game_day_restore_is_manual_surveyed_single_and_can_be_launched_in_check_mode() {
    JsonNode args = awx.template("etcd restore (game day)").args();
    assertEquals("playbooks/restore.yml", args.path("playbook").asText());
    assertEquals("run", args.path("job_type").asText());
    assertTrue(args.path("ask_job_type_on_launch").asBoolean(), "Check must be choosable at launch");
    assertTrue(args.path("description").asText().contains("Check first"), args.path("description").asText());
    assertTrue(args.path("survey_enabled").asBoolean());
    assertFalse(args.path("allow_simultaneous").asBoolean(true));
    assertFalse(args.path("ask_variables_on_launch").asBoolean(true), "only survey answers may come in");
    assertFalse(args.path("ask_limit_on_launch").asBoolean(true), "a restore is every member or none");
    assertTrue(awx.schedules().stream().noneMatch(s -> s.path("unified_job_template").asText()
        .equals("etcd restore (game day)")), "the game-day restore must never be scheduled");
  }

  @Test
  void backup_and_drill_are_scheduled_by_rrule() {
    for (String name : List.of("etcd backup", "etcd restore drill")) {
      awx.template(name);
      JsonNode schedule = awx.schedules().stream()
          .filter(s -> s.path("unified_job_template").asText().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no schedule for " + name));
      String rrule = expand(schedule.path("rrule").asText());
      assertTrue(rrule.matches("DTSTART[:;]\\S+ RRULE:FREQ=\\w+.*"), name + ": " + rrule);
      assertTrue(schedule.path("enabled").asBoolean(), name);
    }
    assertEquals("playbooks/backup.yml", awx.template("etcd backup").playbook());
    assertEquals("playbooks/drill.yml", awx.template("etcd restore drill").playbook());
  }

  /** A play variable's value when the text is exactly "{{ name }}". */
  private String expand(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}").matcher(text);
    return m.matches() ? awx.vars().path(m.group(1)).asText() : text;
  }

  @Test
  void every_template_gets_the_jar_of_the_execution_environment() {
    JsonNode common = awx.vars().path("etcd_dr_awx_common_vars");
    // one jar variable and one store variable, read by every role
    assertEquals("{{ etcd_dr_awx_jar }}", common.path("etcd_dr_jar_src").asText());
    assertEquals("{{ etcd_dr_awx_store_dir }}", common.path("etcd_dr_store").asText());
    for (JobTemplate t : awx.jobTemplates()) {
      assertTrue(t.args().path("extra_vars").asText().startsWith("{{ etcd_dr_awx_common_vars"), t.name());
    }
    String jar = awx.vars().path("etcd_dr_awx_jar").asText();
    JsonNode ee = VariableReferences.readYaml(ROOT.resolve("execution-environment.yml"));
    assertEquals(3, ee.path("version").asInt(), "ansible-builder 3 schema");
    assertTrue(ee.path("images").path("base_image").path("name").asText().contains(":"), "a pinned base image");
    List<String> system = new ArrayList<>();
    ee.path("dependencies").path("system").forEach(n -> system.add(n.asText()));
    assertTrue(system.stream().anyMatch(s -> s.matches("java-17-openjdk-headless.*\\[platform:rpm].*")), system.toString());
    List<String> collections = new ArrayList<>();
    ee.path("dependencies").path("galaxy").path("collections").forEach(n -> collections.add(n.path("name").asText()));
    assertTrue(collections.contains("awx.awx"), collections.toString());
    // The jar goes into the build context, and from there to exactly the path the templates pass.
    String dest = null;
    for (JsonNode f : ee.path("additional_build_files")) {
      if (f.path("src").asText().equals("target/etcd-dr.jar")) {
        dest = f.path("dest").asText();
      }
    }
    assertTrue(dest != null, "target/etcd-dr.jar is not in additional_build_files");
    String copy = "COPY _build/" + dest + "/etcd-dr.jar " + jar;
    List<String> steps = new ArrayList<>();
    ee.path("additional_build_steps").path("append_final").forEach(n -> steps.add(n.asText()));
    assertTrue(steps.contains(copy), "expected '" + copy + "' in append_final: " + steps);
  }

  /**
   * The EE's etcd is the upstream 3.6.14 release, downloaded at build time and checked against a pinned SHA-256
   * before it is unpacked, into the directory the drill template names; nothing is copied from the build machine.
   */
  @Test
  void the_execution_environment_installs_etcd_from_the_release_checked_by_sha256() throws IOException {
    JsonNode ee = VariableReferences.readYaml(ROOT.resolve("execution-environment.yml"));
    for (JsonNode f : ee.path("additional_build_files")) {
      assertFalse(f.path("src").asText().contains("etcd-3.") || f.path("dest").asText().equals("etcd"),
          "etcd is downloaded in the build, not copied from this machine: " + f);
    }
    List<String> steps = new ArrayList<>();
    ee.path("additional_build_steps").path("append_final").forEach(n -> steps.add(n.asText()));
    String url = "https://github.com/etcd-io/etcd/releases/download/v3.6.14/etcd-v3.6.14-linux-amd64.tar.gz";
    List<String> fetch = steps.stream().filter(s -> s.contains(url)).toList();
    assertEquals(1, fetch.size(), "one step downloads " + url + ": " + steps);
    String run = fetch.get(0);
    java.util.regex.Matcher sum = java.util.regex.Pattern.compile(
        "curl -fsSL -o (\\S+) " + java.util.regex.Pattern.quote(url)
            + " && echo \"([0-9a-f]{64})  (\\S+)\" \\| sha256sum -c - && tar -xzf (\\S+) ").matcher(run);
    assertTrue(run.startsWith("RUN ") && sum.find(), "download, sha256sum -c, then unpack, in one RUN: " + run);
    String downloaded = sum.group(1).replace("\"", "");
    assertEquals(downloaded, sum.group(3), "the checksum is of the file downloaded: " + run);
    assertEquals(downloaded, sum.group(4).replace("\"", ""), "the file checked is the one unpacked: " + run);
    for (String tool : List.of("etcd", "etcdutl", "etcdctl")) {
      assertTrue(run.contains("/etcd-v3.6.14-linux-amd64/" + tool + "\""), tool + " installed: " + run);
    }
    assertTrue(run.matches(".* /opt/etcd-dr/bin/ && rm -rf \\S+$"), "into /opt/etcd-dr/bin, tarball removed: " + run);
    assertTrue(steps.indexOf(run) < steps.indexOf(steps.stream().filter(s -> s.contains("etcd --version"))
        .findFirst().orElse(run)), "the smoke check runs after the install: " + steps);
    assertTrue(steps.contains("RUN java -version && /opt/etcd-dr/bin/etcd --version && /opt/etcd-dr/bin/etcdutl"
        + " version && /opt/etcd-dr/bin/etcdctl version"), steps.toString());
    JobTemplate drill = awx.template("etcd restore drill");
    assertTrue(drill.args().path("extra_vars").asText().contains("'etcd_drill_etcd': '/opt/etcd-dr/bin/etcd'"),
        "the drill template runs the EE's etcd: " + drill.args());
  }

  /**
   * AWX puts ANSIBLE_HOST_KEY_CHECKING=False in every job's environment by default. An extra variable outranks
   * the environment, so the templates pass ansible_host_key_checking=true; every play that reaches hosts sets it
   * too, the image sets the variable, and ansible.cfg says it.
   */
  @Test
  void host_key_checking_cannot_be_switched_off() throws IOException {
    JsonNode common = awx.vars().path("etcd_dr_awx_common_vars");
    assertTrue(common.path("ansible_host_key_checking").isBoolean() && common.path("ansible_host_key_checking")
        .asBoolean(), common.toString());
    List<Path> playbooks;
    try (Stream<Path> s = Files.list(ROOT.resolve("playbooks"))) {
      playbooks = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertTrue(playbooks.size() >= 6, playbooks.toString());
    for (Path file : playbooks) {
      String playbook = file.getFileName().toString();
      JsonNode plays = VariableReferences.readYaml(file);
      for (JsonNode play : plays) {
        if (!play.path("hosts").asText().equals("localhost")) {
          assertTrue(play.path("vars").path("ansible_host_key_checking").asBoolean(false),
              playbook + ": play '" + play.path("name").asText() + "' does not force host key checking on");
        }
      }
    }
    List<String> steps = new ArrayList<>();
    VariableReferences.readYaml(ROOT.resolve("execution-environment.yml")).path("additional_build_steps")
        .path("append_final").forEach(n -> steps.add(n.asText()));
    assertTrue(steps.contains("ENV ANSIBLE_HOST_KEY_CHECKING=True"), steps.toString());
    assertTrue(Files.readString(ROOT.resolve("ansible.cfg")).matches("(?s).*\\[defaults][^\\[]*\\nhost_key_checking = True\\n.*"),
        "ansible.cfg sets host_key_checking = True in [defaults]");
  }

  @Test
  void nothing_prompts() throws IOException {
    // AWX runs headless: a pause or vars_prompt would hang the job (or be skipped), never ask anyone.
    Set<String> prompts = Set.of("vars_prompt", "pause", "ansible.builtin.pause", "ansible.legacy.pause");
    List<String> found = new ArrayList<>();
    for (Path dir : List.of(ROOT.resolve("playbooks"), ROOT.resolve("awx"))) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
          keysIn(VariableReferences.readYaml(f), prompts, found, ROOT.relativize(f).toString());
        }
      }
    }
    assertEquals(List.of(), found);
  }

  private static void keysIn(JsonNode node, Set<String> keys, List<String> found, String where) {
    if (node == null) {
      return;
    }
    if (node.isArray()) {
      node.forEach(n -> keysIn(n, keys, found, where));
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if (keys.contains(e.getKey())) {
          found.add(where + ": " + e.getKey());
        }
        keysIn(e.getValue(), keys, found, where);
      });
    }
  }
}
