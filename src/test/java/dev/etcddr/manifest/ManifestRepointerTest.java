package dev.etcddr.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestRepointerTest {
  static final String NEW = "/var/lib/etcd-restore-20261127T190000Z";
  private static final String DATA_DIR_FLAG = "    - --data-dir=/var/lib/etcd\n";
  private static final String DATA_MOUNT = "    - mountPath: /var/lib/etcd\n      name: etcd-data\n";
  private static final String DATA_HOST_PATH = "      path: /var/lib/etcd\n";

  @TempDir
  Path dir;

  private final ManifestRepointer repointer = new ManifestRepointer();
  private final ManifestReader reader = new ManifestReader();
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  static String resource(String name) throws IOException {
    try (InputStream in = ManifestRepointerTest.class.getResourceAsStream("/manifests/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String kubeadm130() throws IOException {
    return resource("kubeadm-v1.30-etcd.yaml");
  }

  private Path write(String text) throws IOException {
    Path p = dir.resolve("etcd.yaml");
    Files.writeString(p, text);
    return p;
  }

  /** The tree the rewrite must produce, made by editing the source text, not by the code under test. */
  private JsonNode expectedTree(String source) throws IOException {
    assertTrue(source.contains(DATA_DIR_FLAG) && source.contains(DATA_MOUNT) && source.contains(DATA_HOST_PATH));
    return yaml.readTree(source.replace(DATA_DIR_FLAG, "    - --data-dir=" + NEW + "\n")
        .replace(DATA_MOUNT, "    - mountPath: " + NEW + "\n      name: etcd-data\n")
        .replace(DATA_HOST_PATH, "      path: " + NEW + "\n"));
  }

  private void assertOnlyDataDirChanged(String source, RepointedManifest r) throws IOException {
    JsonNode expected = expectedTree(source);
    JsonNode actual = yaml.readTree(r.yaml());
    assertEquals(expected, actual, r.yaml());
    assertEquals(expected.toString(), actual.toString(), "same keys in the same order, same types");
    EtcdManifest before = reader.read(r.manifest());
    assertEquals(before.withDataDir(NEW, Optional.of(NEW)), reader.fromTree(r.manifest(), actual));
  }

  @ParameterizedTest
  @ValueSource(strings = {"kubeadm-v1.30-etcd.yaml", "kubeadm-etcd.yaml"})
  void kubeadm_manifest_changes_only_the_data_dir_its_mount_and_its_host_path(String name) throws IOException {
    String source = resource(name);
    RepointedManifest r = repointer.repoint(write(source), NEW);
    assertOnlyDataDirChanged(source, r);
    assertEquals("etcd-data", r.volume());
    assertEquals("/var/lib/etcd", r.oldDataDir());
    assertEquals("/var/lib/etcd", r.oldHostPath());
    assertEquals("/var/lib/etcd", r.oldMountPath());
    assertEquals(NEW, r.newDataDir());
    assertEquals(NEW, r.newHostPath());
    JsonNode out = yaml.readTree(r.yaml());
    assertTrue(out.at("/spec/containers/0/livenessProbe/httpGet/port").isInt());
    assertTrue(out.at("/spec/containers/0/startupProbe/httpGet/port").isMissingNode()
        || out.at("/spec/containers/0/startupProbe/httpGet/port").isInt());
    assertTrue(out.at("/spec/priority").isInt());
    assertTrue(out.at("/metadata/creationTimestamp").isNull());
    assertTrue(r.yaml().startsWith("apiVersion: v1\nkind: Pod\n"), "kubeadm's look, no document marker");
    assertTrue(r.yaml().contains("\n  containers:\n  - command:\n    - etcd\n"), r.yaml());
  }

  @Test
  void strings_that_look_like_other_types_stay_strings() throws IOException {
    String source = kubeadm130().replace("    tier: control-plane\n", """
            tier: control-plane
            example.com/true: "true"
            example.com/yes: "yes"
            example.com/off: "Off"
            example.com/port: "2381"
            example.com/octal: "0755"
            example.com/hex: "0x1F"
            example.com/float: "1e3"
            example.com/sexagesimal: "1:30"
            example.com/negative: "-5"
            example.com/tilde: "~"
            example.com/null: "null"
            example.com/empty: ""
            example.com/colon: "a: b"
            example.com/comment: "#x"
            example.com/dash: "- a"
            example.com/unicode: "ünïcode ✓"
            example.com/spaces: "  padded  "
            example.com/long: "%s"
            example.com/multi: |
              line one
              line two: with a colon
        """.formatted("word ".repeat(40).trim()))
        .replace("    imagePullPolicy: IfNotPresent\n",
            "    env:\n    - name: GOMAXPROCS\n      value: \"0012\"\n    imagePullPolicy: IfNotPresent\n");
    RepointedManifest r = repointer.repoint(write(source), NEW);
    assertOnlyDataDirChanged(source, r);
  }

  @Test
  void rewrites_the_split_form() throws IOException {
    String source = kubeadm130().replace(DATA_DIR_FLAG, "    - --data-dir\n    - /var/lib/etcd\n");
    RepointedManifest r = repointer.repoint(write(source), NEW);
    assertEquals(List.of("--data-dir", NEW), dataDirTokens(r));
    assertEquals(NEW, reader.fromTree(r.manifest(), yaml.readTree(r.yaml())).dataDir());
  }

  @Test
  void rewrites_every_repeat_so_none_contradicts_the_last() throws IOException {
    // etcd takes the last; the earlier ones are rewritten too, so no reader of the manifest is misled.
    String source = kubeadm130()
        .replace("    - etcd\n", "    - etcd\n    - -data-dir=/var/lib/etcd-old\n")
        .replace(DATA_DIR_FLAG, "")
        .replace("    image: ",
            "    - --data-dir\n    args:\n    - /var/lib/etcd\n    - --data-dir=/var/lib/etcd\n    image: ");
    RepointedManifest r = repointer.repoint(write(source), NEW);
    assertEquals(List.of("-data-dir=" + NEW, "--data-dir", NEW, "--data-dir=" + NEW), dataDirTokens(r));
    JsonNode out = yaml.readTree(r.yaml());
    assertEquals(NEW, out.at("/spec/containers/0/args/0").asText(), "value after a flag at the end of command");
    assertEquals("etcd", out.at("/spec/containers/0/command/0").asText());
  }

  private List<String> dataDirTokens(RepointedManifest r) throws IOException {
    List<String> tokens = new ArrayList<>();
    JsonNode etcd = yaml.readTree(r.yaml()).at("/spec/containers/0");
    List<String> argv = new ArrayList<>();
    etcd.path("command").forEach(n -> argv.add(n.asText()));
    etcd.path("args").forEach(n -> argv.add(n.asText()));
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i).matches("--?data-dir(=.*)?")) {
        tokens.add(argv.get(i));
        if (!argv.get(i).contains("=")) {
          tokens.add(argv.get(++i));
        }
      }
    }
    return tokens;
  }

  @Test
  void data_dir_below_its_mount_becomes_the_root_of_the_new_mount() throws IOException {
    // The restore wrote the member straight into NEW; keeping "member-data" below it would point etcd at nothing.
    String source = kubeadm130().replace(DATA_DIR_FLAG, "    - --data-dir=/var/lib/etcd/member-data\n")
        .replace(DATA_HOST_PATH, "      path: /data/etcd\n");
    Path in = write(source);
    assertEquals(Optional.of("/data/etcd/member-data"), reader.read(in).hostDataDir());
    RepointedManifest r = repointer.repoint(in, NEW);
    assertEquals("/var/lib/etcd/member-data", r.oldDataDir());
    assertEquals("/data/etcd", r.oldHostPath());
    assertEquals("/var/lib/etcd", r.oldMountPath());
    JsonNode out = yaml.readTree(r.yaml());
    assertEquals(NEW, out.at("/spec/containers/0/volumeMounts/0/mountPath").asText());
    assertEquals(NEW, out.at("/spec/volumes/1/hostPath/path").asText());
    EtcdManifest after = reader.fromTree(in, out);
    assertEquals(NEW, after.dataDir());
    assertEquals(Optional.of(NEW), after.hostDataDir());
  }

  private String refusal(String source, String newDir) throws IOException {
    Path p = write(source);
    ManifestException e = assertThrows(ManifestException.class, () -> repointer.repoint(p, newDir));
    assertTrue(e.getMessage().startsWith(p + ": "), "names the file: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void refuses_what_it_cannot_repoint_safely() throws IOException {
    String m = kubeadm130();
    assertTrue(refusal(m.replace(DATA_DIR_FLAG, "    - --data-dir=/tmp/etcd\n"), NEW)
        .contains("--data-dir /tmp/etcd is on no volumeMount"));
    assertTrue(refusal(m.replace("  - hostPath:\n" + DATA_HOST_PATH + "      type: DirectoryOrCreate\n",
        "  - emptyDir: {}\n"), NEW).contains("volume 'etcd-data', which is not a hostPath volume"));
    assertTrue(refusal(m.replace(DATA_MOUNT, DATA_MOUNT + "    - mountPath: /backup\n      name: etcd-data\n"), NEW)
        .contains("also mounted at /backup in container 'etcd'"));
    assertTrue(refusal(m.replace(DATA_MOUNT, DATA_MOUNT + "      subPath: member\n"), NEW).contains("subPath"));
    assertTrue(refusal(m.replace(DATA_DIR_FLAG, DATA_DIR_FLAG + "    - --wal-dir=/var/lib/etcd-wal\n"), NEW)
        .contains("--wal-dir"));
    assertTrue(refusal(m.replace(DATA_DIR_FLAG, DATA_DIR_FLAG + "    - --config-file=/etc/etcd.conf\n"), NEW)
        .contains("--config-file"));
    assertTrue(refusal(m + "---\napiVersion: v1\nkind: ConfigMap\n", NEW).contains("holds 2 YAML documents"));
    assertTrue(refusal(m, "/etc/kubernetes/pki/etcd").contains("already the mountPath of volume 'etcd-certs'"));
    assertTrue(refusal(m.replace(DATA_DIR_FLAG, "    - --data-dir=data\n"), NEW).contains("not an absolute path"));
  }

  @Test
  void reader_errors_come_through() throws IOException {
    assertTrue(refusal("kind: Pod\nspec: [unclosed\n", NEW).contains("not valid YAML"));
    assertTrue(refusal(kubeadm130().replace(DATA_DIR_FLAG, ""), NEW).contains("no --data-dir flag"));
  }

  @Test
  void new_data_dir_must_be_absolute_and_normalized() {
    for (String bad : List.of("", "relative", "./x", "/", "/a/", "/a//b", "/a/./b", "/a/../b")) {
      assertFalse(ManifestRepointer.isAbsoluteNormalized(bad), bad);
    }
    assertTrue(ManifestRepointer.isAbsoluteNormalized(NEW));
    assertThrows(IllegalArgumentException.class, () -> repointer.repoint(dir.resolve("etcd.yaml"), "x"));
  }
}
