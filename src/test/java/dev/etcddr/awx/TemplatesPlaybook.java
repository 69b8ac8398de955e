package dev.etcddr.awx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.testing.Repo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** awx/templates.yml as data: its play variables, job templates (with their survey files) and schedules. */
record TemplatesPlaybook(JsonNode vars, List<JobTemplate> jobTemplates, List<JsonNode> schedules) {
  static final Path AWX_DIR = Repo.root().resolve("awx");
  private static final Pattern SURVEY_LOOKUP = Pattern.compile("lookup\\([^,]+,\\s*'([^']+\\.json)'\\)");

  /** One awx.awx.job_template task: its module arguments and, when it has a survey, the survey file. */
  record JobTemplate(String name, String playbook, JsonNode args, Optional<Path> survey) {}

  static TemplatesPlaybook load() {
    JsonNode plays = VariableReferences.readYaml(AWX_DIR.resolve("templates.yml"));
    if (!plays.isArray() || plays.size() != 1) {
      throw new AssertionError("awx/templates.yml should hold one play");
    }
    JsonNode play = plays.get(0);
    List<JobTemplate> templates = new ArrayList<>();
    List<JsonNode> schedules = new ArrayList<>();
    for (JsonNode task : play.path("tasks")) {
      if (task.has("awx.awx.job_template")) {
        JsonNode args = task.get("awx.awx.job_template");
        templates.add(new JobTemplate(args.path("name").asText(), args.path("playbook").asText(), args,
            surveyFile(args)));
      } else if (task.has("awx.awx.schedule")) {
        schedules.add(task.get("awx.awx.schedule"));
      }
    }
    return new TemplatesPlaybook(play.path("vars"), templates, schedules);
  }

  private static Optional<Path> surveyFile(JsonNode args) {
    if (!args.has("survey_spec")) {
      return Optional.empty();
    }
    Matcher m = SURVEY_LOOKUP.matcher(args.get("survey_spec").asText());
    if (!m.find()) {
      throw new AssertionError("survey_spec of '" + args.path("name").asText()
          + "' is not a lookup of a JSON file next to templates.yml: " + args.get("survey_spec"));
    }
    // A play's file lookups search the playbook's directory.
    return Optional.of(AWX_DIR.resolve(m.group(1)));
  }

  JobTemplate template(String name) {
    return jobTemplates.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no job template '" + name + "' in awx/templates.yml"));
  }
}
