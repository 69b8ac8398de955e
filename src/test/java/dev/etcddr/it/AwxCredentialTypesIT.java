package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.Repo;
import dev.etcddr.testing.S3Server;
import dev.etcddr.testing.SnapshotSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * awx/credential-types/*.json rendered the way AWX injects a custom credential (Jinja2's sandbox over the inputs,
 * each {@code template.NAME} written to a 0600 file of the job's private data dir, then the extra vars rendered with
 * {@code tower.filename.NAME}), and what comes out used as the playbooks use it: the identity file opens a backup
 * packed to the recipient age-keygen made, and the S3 file signs requests S3Proxy accepts. The secrets are the
 * inputs; nothing here reads them back from the code under test.
 */
class AwxCredentialTypesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = Repo.root();

  // AWX's CredentialType.inject_credential, reduced to the file and extra_vars injectors these types use.
  private static final String AWX_INJECT = String.join("\n",
      "import json, os, stat, sys, tempfile",
      "from jinja2.sandbox import ImmutableSandboxedEnvironment",
      "spec, inputs, private_dir = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]",
      "env = ImmutableSandboxedEnvironment()",
      "ns = {f['id']: inputs.get(f['id'], '') for f in spec['inputs']['fields']}",
      "files = {}",
      "for key, tmpl in spec['injectors'].get('file', {}).items():",
      "    fd, path = tempfile.mkstemp(dir=private_dir)",
      "    with os.fdopen(fd, 'w') as f:",
      "        f.write(env.from_string(tmpl).render(**ns))",
      "    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)",
      "    files[key.split('.', 1)[1]] = path",
      "ns['tower'] = {'filename': files}",
      "print(json.dumps({k: env.from_string(v).render(**ns) for k, v in spec['injectors']['extra_vars'].items()}))");

  @TempDir
  Path tmp;

  @Test
  void secrets_are_secret_inputs_and_each_extra_var_is_a_variable_of_the_roles() throws IOException {
    Set<String> declared = new HashSet<>();
    YAML.readTree(ROOT.resolve("playbooks/roles/etcd_dr_common/defaults/main.yml").toFile()).fieldNames()
        .forEachRemaining(declared::add);
    for (String type : List.of("age-identity", "s3-keys")) {
      JsonNode spec = spec(type);
      for (JsonNode field : spec.path("inputs").path("fields")) {
        boolean secret = !List.of("access_key_id").contains(field.get("id").asText());
        assertEquals(secret, field.path("secret").asBoolean(), type + ": " + field);
      }
      spec.path("injectors").path("extra_vars").fieldNames().forEachRemaining(v ->
          assertTrue(declared.contains(v), type + " injects " + v + ", which etcd_dr_common does not declare"));
      assertFalse(spec.path("injectors").has("env"), type + ": nothing in the environment, only files");
    }
  }

  @Test
  void the_injected_identity_file_opens_a_backup_packed_to_its_recipient_and_another_key_does_not() throws Exception {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Proc.run(List.of("age-keygen", "-o", keys.resolve("a").toString())).requireSuccess();
    Proc.run(List.of("age-keygen", "-o", keys.resolve("b").toString())).requireSuccess();
    String recipient = Proc.run(List.of("age-keygen", "-y", keys.resolve("a").toString())).requireSuccess()
        .stdout().strip();
    byte[] raw = SnapshotSets.bytes(7, 300_000);
    Path db = SnapshotSets.write(tmp.resolve("store"), "etcd-00000000000000aa-20261127T160403Z-r9-cp1.db", raw);
    CliRun pack = CliRun.of("snapshot", "pack", db.toString(), "--zstd", "--age-recipient", recipient);
    assertEquals(0, pack.exitCode(), pack.toString());
    Path packed = Path.of(db + ".zst.age");

    // The whole file age-keygen wrote (its comment lines too) is what goes into the credential, as its help says.
    Path out = tmp.resolve("opened.db");
    CliRun open = unpackWithInjected(keys.resolve("a"), packed, out);
    assertEquals(0, open.exitCode(), open.toString());
    assertArrayEquals(raw, Files.readAllBytes(out));

    Path notOut = tmp.resolve("not-opened.db");
    CliRun refused = unpackWithInjected(keys.resolve("b"), packed, notOut);
    assertEquals(15, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains("no identity matches"), refused.err());
    assertFalse(Files.exists(notOut));
  }

  @Test
  void the_injected_s3_file_signs_requests_the_server_accepts_and_a_wrong_secret_is_refused() throws Exception {
    try (S3Server server = S3Server.start(tmp.resolve("s3"))) {
      Path db = SnapshotSets.write(tmp.resolve("store"), "etcd-00000000000000aa-20261127T160403Z-r9-cp1.db",
          SnapshotSets.bytes(8, 50_000), null, "lab-a");
      String good = inject("s3-keys", Map.of("access_key_id", S3Server.ACCESS_KEY, "secret_access_key",
          S3Server.SECRET_KEY)).get("etcd_dr_s3_credentials").asText();
      String wrong = inject("s3-keys", Map.of("access_key_id", S3Server.ACCESS_KEY, "secret_access_key",
          S3Server.SECRET_KEY + "x")).get("etcd_dr_s3_credentials").asText();

      CliRun refused = push(server, db, wrong);
      assertNotEquals(0, refused.exitCode(), refused.toString());
      assertTrue(refused.err().contains("either the credentials are wrong"), refused.err());
      assertEquals("", rcloneFiles(server), "nothing stored with the wrong secret");

      CliRun pushed = push(server, db, good);
      assertEquals(0, pushed.exitCode(), pushed.toString());
      assertEquals(List.of(db.getFileName().toString(), db.getFileName() + ".json"),
          List.of(rcloneFiles(server).split("\n")));

      // Temporary keys: the token goes into the same file, on the line the SDK's profile reader takes it from.
      String withToken = inject("s3-keys", Map.of("access_key_id", "ASIAEXAMPLE", "secret_access_key", "s",
          "session_token", "tok-123")).get("etcd_dr_s3_credentials").asText();
      assertEquals(List.of("[default]", "aws_access_key_id = ASIAEXAMPLE", "aws_secret_access_key = s",
          "aws_session_token = tok-123"), Files.readAllLines(Path.of(withToken)));
    }
  }

  /** {@code snapshot unpack} with the identity file AWX would write from the key file's whole text. */
  private CliRun unpackWithInjected(Path keyFile, Path packed, Path out) throws IOException {
    String identity = inject("age-identity", Map.of("age_identity", Files.readString(keyFile)))
        .get("etcd_dr_age_identity").asText();
    return CliRun.of("snapshot", "unpack", packed.toString(), "--age-identity", identity, "--out", out.toString());
  }

  private static CliRun push(S3Server server, Path db, String credentials) {
    return CliRun.of("snapshot", "push", db.toString(), "--to", server.url("prod"), "--s3-endpoint",
        server.endpoint(), "--s3-path-style", "--s3-credentials", credentials);
  }

  private static String rcloneFiles(S3Server server) {
    Proc.Result r = server.rclone("lsf", "--files-only", ":s3:" + S3Server.BUCKET + "/prod");
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout().strip();
  }

  private static JsonNode spec(String type) throws IOException {
    return JSON.readTree(ROOT.resolve("awx/credential-types/" + type + ".json").toFile());
  }

  /** The extra vars AWX would add to the job, after writing the credential's files into a private data dir. */
  private JsonNode inject(String type, Map<String, String> inputs) throws IOException {
    Path privateDir = Files.createTempDirectory(tmp, "awx-private-");
    ObjectNode in = JSON.createObjectNode();
    inputs.forEach(in::put);
    // In a file, not argv: BackupsAtRestIT, maybe running beside this, watches every command line for the secret.
    Path inputsFile = Files.createTempFile(tmp, "inputs-", ".json");
    JSON.writeValue(inputsFile.toFile(), in);
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", AWX_INJECT,
        ROOT.resolve("awx/credential-types/" + type + ".json").toString(), inputsFile.toString(),
        privateDir.toString()));
    JsonNode vars = JSON.readTree(Proc.run(cmd).requireSuccess().stdout());
    try (Stream<Path> files = Files.list(privateDir)) {
      assertEquals(vars.size(), files.count(), "one file per injected path");
    }
    return vars;
  }
}
