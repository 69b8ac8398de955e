package dev.etcddr.awx;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AWX's survey spec rules, so a bad survey fails here and not when the controller refuses it (or, worse, accepts it
 * and silently drops a default). Mirrors ansible/awx {@code JobTemplateSurveySpec._validate_spec_data}
 * (awx/api/views/__init__.py, what POST survey_spec checks) and {@code SurveyJobTemplateMixin._survey_element_validation}
 * (awx/main/models/mixins.py, what a launch checks; a default that fails it is left out of the job's extra vars).
 * Added on top: the variable must be an Ansible identifier, since AWX passes it to ansible-playbook as is.
 */
final class SurveySpecRules {
  /** AWX's SURVEY_TYPE_MAPPING (awx/main/constants.py): the type a default must have. */
  private static final Set<String> STRING_TYPES = Set.of("text", "textarea", "password", "multiplechoice", "multiselect");
  private static final Set<String> TYPES = Set.of("text", "textarea", "password", "multiplechoice", "multiselect",
      "integer", "float");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SurveySpecRules() {}

  /** Every rule the spec breaks, one line each; empty when AWX would take it. */
  static List<String> problems(JsonNode survey) {
    List<String> problems = new ArrayList<>();
    if (!survey.isObject()) {
      return List.of("the survey is not a JSON object");
    }
    for (String field : List.of("name", "description")) {
      if (!survey.path(field).isTextual()) {
        problems.add("'" + field + "' missing or not a string");
      }
    }
    JsonNode spec = survey.path("spec");
    if (!spec.isArray() || spec.isEmpty()) {
      problems.add("'spec' missing, not a list, or empty");
      return problems;
    }
    Set<String> variables = new HashSet<>();
    for (int i = 0; i < spec.size(); i++) {
      problems.addAll(questionProblems(i, spec.get(i), variables));
    }
    return problems;
  }

  private static List<String> questionProblems(int idx, JsonNode q, Set<String> variables) {
    String at = "question " + idx + ": ";
    if (!q.isObject()) {
      return List.of(at + "not a JSON object");
    }
    List<String> problems = new ArrayList<>();
    for (String field : List.of("type", "question_name", "variable")) {
      if (!q.path(field).isTextual()) {
        problems.add(at + "'" + field + "' missing or not a string");
      }
    }
    if (!q.path("required").isBoolean()) {
      problems.add(at + "'required' missing or not a boolean");
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    String type = q.get("type").asText();
    String variable = q.get("variable").asText();
    if (!variables.add(variable)) {
      problems.add(at + "variable '" + variable + "' duplicated");
    }
    if (!IDENTIFIER.matcher(variable).matches()) {
      problems.add(at + "variable '" + variable + "' is not a valid Ansible variable name");
    }
    if (!TYPES.contains(type)) {
      return List.of(at + "type '" + type + "' is not one of " + TYPES);
    }
    for (String key : List.of("min", "max")) {
      if (q.has(key) && !q.get(key).isNull() && !q.get(key).isIntegralNumber()) {
        problems.add(at + "'" + key + "' must be an integer");
      }
    }
    JsonNode dflt = q.get("default");
    boolean hasDefault = dflt != null && !(dflt.isTextual() && dflt.asText().isEmpty());
    if (hasDefault && !defaultHasType(type, dflt)) {
      problems.add(at + "default " + dflt + " must be " + (STRING_TYPES.contains(type) ? "a string" : type));
    }
    if (type.equals("multiplechoice") || type.equals("multiselect")) {
      problems.addAll(choiceProblems(at, type, q));
    } else if (hasDefault && problems.isEmpty()) {
      problems.addAll(rangeProblems(at, type, q, dflt));
    }
    return problems;
  }

  private static boolean defaultHasType(String type, JsonNode dflt) {
    return switch (type) {
      case "integer" -> dflt.isIntegralNumber();
      case "float" -> dflt.isNumber();
      default -> dflt.isTextual() || (type.equals("multiselect") && dflt.isArray());
    };
  }

  /** Launch-time checks on the default: text length, or numeric value, within min and max. */
  private static List<String> rangeProblems(String at, String type, JsonNode q, JsonNode dflt) {
    boolean text = STRING_TYPES.contains(type);
    double value = text ? dflt.asText().length() : dflt.asDouble();
    List<String> problems = new ArrayList<>();
    if (q.path("min").isNumber() && value < q.get("min").asDouble()) {
      problems.add(at + "default " + dflt + (text ? " shorter than min " : " below min ") + q.get("min")
          + " (AWX would drop it)");
    }
    if (q.path("max").isNumber() && value > q.get("max").asDouble()) {
      problems.add(at + "default " + dflt + (text ? " longer than max " : " above max ") + q.get("max")
          + " (AWX would drop it)");
    }
    return problems;
  }

  private static List<String> choiceProblems(String at, String type, JsonNode q) {
    JsonNode choices = q.get("choices");
    if (choices == null) {
      return List.of(at + type + " must list choices");
    }
    List<String> choiceList = lines(choices);
    if (choiceList.isEmpty()) {
      return List.of(at + type + " has no choices");
    }
    JsonNode dflt = q.get("default");
    if (dflt == null) {
      return List.of();
    }
    List<String> defaults = lines(dflt);
    List<String> problems = new ArrayList<>();
    if (type.equals("multiplechoice") && defaults.size() > 1) {
      problems.add(at + "multiplechoice can only have one default");
    }
    for (String d : defaults) {
      if (!choiceList.contains(d)) {
        problems.add(at + "default '" + d + "' is not one of the choices " + choiceList);
      }
    }
    return problems;
  }

  /** Choices and multiselect defaults come as a list or as one string with one item a line (blank lines dropped). */
  private static List<String> lines(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      node.asText().lines().filter(l -> !l.isBlank()).forEach(out::add);
    }
    return out;
  }
}
