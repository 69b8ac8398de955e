package dev.etcddr.awx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The survey files are what AWX accepts, and the rules that say so can fail. */
class AwxSurveyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SURVEYS = TemplatesPlaybook.AWX_DIR.resolve("surveys");

  @Test
  void every_survey_file_is_a_valid_awx_survey_spec() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(SURVEYS)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no surveys in " + SURVEYS);
    for (Path f : files) {
      assertEquals(List.of(), SurveySpecRules.problems(JSON.readTree(f.toFile())), f.toString());
    }
  }

  @Test
  void the_confirmation_is_required_text_with_no_default() throws IOException {
    // A default would answer "are you sure" for the operator.
    JsonNode q = question("restore.json", "etcd_dr_confirm");
    assertEquals("text", q.path("type").asText());
    assertTrue(q.path("required").asBoolean());
    assertFalse(q.has("default") && !q.get("default").asText().isEmpty(), q.toString());
  }

  @Test
  void restore_defaults_are_latest_snapshot_and_auto_bump() throws IOException {
    assertEquals("latest", question("restore.json", "etcd_dr_snapshot").path("default").asText());
    assertEquals("auto", question("restore.json", "etcd_dr_bump").path("default").asText());
    assertTrue(question("rollback.json", "etcd_dr_restore_id").path("required").asBoolean());
  }

  @Test
  void the_survivor_is_asked_empty_and_the_snapshot_can_be_cleared_for_it() throws IOException {
    // The play takes exactly one source: a default survivor would stop its etcd unasked, a required snapshot would
    // make the quorum-lost path impossible to launch.
    JsonNode survivor = question("restore.json", "etcd_dr_source_datadir");
    assertEquals("text", survivor.path("type").asText());
    assertFalse(survivor.path("required").asBoolean(true), survivor.toString());
    assertEquals("", survivor.path("default").asText("missing"));
    JsonNode snapshot = question("restore.json", "etcd_dr_snapshot");
    assertFalse(snapshot.path("required").asBoolean(true), snapshot.toString());
    assertEquals(0, snapshot.path("min").asInt(-1), snapshot.toString());
  }

  private static JsonNode question(String file, String variable) throws IOException {
    for (JsonNode q : JSON.readTree(SURVEYS.resolve(file).toFile()).path("spec")) {
      if (q.path("variable").asText().equals(variable)) {
        return q;
      }
    }
    throw new AssertionError(file + " asks nothing for " + variable);
  }

  // Each row breaks one rule AWX enforces; the rules must say so, or the test above proves nothing.
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{'description':'d','spec':[{'type':'text','question_name':'q','variable':'v','required':true}]}|'name'",
      "{'name':'n','description':'d','spec':[]}|'spec'",
      "{'name':'n','description':'d','spec':[{'question_name':'q','variable':'v','required':true}]}|'type'",
      "{'name':'n','description':'d','spec':[{'type':'text','question_name':'q','variable':'v','required':'yes'}]}|'required'",
      "{'name':'n','description':'d','spec':[{'type':'date','question_name':'q','variable':'v','required':true}]}|type 'date'",
      "{'name':'n','description':'d','spec':[{'type':'text','question_name':'q','variable':'v','required':true},"
          + "{'type':'text','question_name':'r','variable':'v','required':true}]}|duplicated",
      "{'name':'n','description':'d','spec':[{'type':'text','question_name':'q','variable':'etcd-dr','required':true}]}|variable name",
      "{'name':'n','description':'d','spec':[{'type':'text','question_name':'q','variable':'v','required':true,'max':'9'}]}|'max'",
      "{'name':'n','description':'d','spec':[{'type':'text','question_name':'q','variable':'v','required':true,'max':3,"
          + "'default':'latest'}]}|longer than max",
      "{'name':'n','description':'d','spec':[{'type':'text','question_name':'q','variable':'v','required':true,'min':9,"
          + "'default':'auto'}]}|shorter than min",
      "{'name':'n','description':'d','spec':[{'type':'integer','question_name':'q','variable':'v','required':true,"
          + "'default':'5'}]}|must be integer",
      "{'name':'n','description':'d','spec':[{'type':'integer','question_name':'q','variable':'v','required':true,'max':4,"
          + "'default':5}]}|above max",
      "{'name':'n','description':'d','spec':[{'type':'multiplechoice','question_name':'q','variable':'v','required':true}]}|choices",
      "{'name':'n','description':'d','spec':[{'type':'multiplechoice','question_name':'q','variable':'v','required':true,"
          + "'choices':['a','b'],'default':'c'}]}|not one of the choices",
      "{'name':'n','description':'d','spec':[{'type':'multiplechoice','question_name':'q','variable':'v','required':true,"
          + "'choices':'a\\nb','default':'a\\nb'}]}|only have one default",
  })
  void the_rules_refuse_what_awx_refuses(String survey, String expected) throws IOException {
    List<String> problems = SurveySpecRules.problems(JSON.readTree(survey.replace('\'', '"')));
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expected + " not in " + problems);
  }

  @Test
  void the_rules_take_awx_examples() throws IOException {
    String ok = "{'name':'n','description':'d','spec':[{'type':'multiselect','question_name':'q','variable':'v',"
        + "'required':false,'choices':'a\\nb\\n\\nc','default':'a\\nc'},{'type':'float','question_name':'f',"
        + "'variable':'f','required':true,'min':0,'max':10,'default':2},{'type':'text','question_name':'t',"
        + "'variable':'t','required':false,'min':3,'default':''}]}";
    assertEquals(List.of(), SurveySpecRules.problems(JSON.readTree(ok.replace('\'', '"'))));
  }
}
