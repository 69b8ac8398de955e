package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.manifest.EtcdManifest;
import dev.etcddr.manifest.ManifestReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestJoinCommandTest {
  private static final String JOINING = "cp0=https://10.0.0.10:2380,cp1=https://10.0.0.11:2380";

  @TempDir
  Path dir;

  private Path manifest;
  private Path out;
  private String original;

  @BeforeEach
  void kubeadmHost() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/manifests/kubeadm-v1.30-etcd.yaml")) {
      original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    manifest = Files.createDirectories(dir.resolve("manifests")).resolve("etcd.yaml");
    Files.writeString(manifest, original);
    out = Files.createDirectories(dir.resolve("replace")).resolve("etcd.yaml");
  }

  private CliRun join(String cluster, Path to, String... extra) {
    List<String> args = new ArrayList<>(List.of("manifest", "join", "--manifest", manifest.toString(),
        "--initial-cluster", cluster, "--out", to.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void writes_a_joining_copy_and_leaves_the_original_as_it_was() throws IOException {
    CliRun r = join(JOINING, out, "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    List<String> names = new ArrayList<>();
    j.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("manifest", "out", "member", "old_initial_cluster", "old_initial_cluster_state",
        "initial_cluster"), names);
    assertEquals("cp1", j.get("member").asText());
    assertEquals("cp1=https://10.0.0.11:2380", j.get("old_initial_cluster").asText());
    assertEquals("", j.get("old_initial_cluster_state").asText(), "kubeadm 1.30 writes none: etcd's default, new");
    assertEquals(JOINING, j.get("initial_cluster").asText());
    assertEquals(original, Files.readString(manifest));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    String expected = original.substring(original.indexOf("apiVersion:"))
        .replace("--initial-cluster=cp1=https://10.0.0.11:2380\n", "--initial-cluster=" + JOINING + "\n")
        .replace("    image: ", "    - --initial-cluster-state=existing\n    image: ");
    assertEquals(expected, Files.readString(out), "kubeadm's text but for the two changed lines (and comments)");
    EtcdManifest after = new ManifestReader().read(out);
    assertEquals(Optional.of("existing"), after.initialClusterState());
    assertEquals(List.of("", "manifests", "manifests/etcd.yaml", "replace", "replace/etcd.yaml"), files());
  }

  @Test
  void refusals_leave_every_file_as_it_was() throws IOException {
    List<String> before = files();
    CliRun other = join("cp0=https://10.0.0.10:2380,cp1=https://10.0.0.99:2380", out);
    assertEquals(3, other.exitCode(), other.toString());
    assertTrue(other.err().contains("does not list this member cp1 with its --initial-advertise-peer-urls"
        + " [https://10.0.0.11:2380]"), other.toString());
    CliRun itself = join(JOINING, manifest, "--force");
    assertEquals(7, itself.exitCode(), itself.toString());
    assertTrue(itself.err().contains("is the manifest itself"), itself.toString());
    CliRun beside = join(JOINING, manifest.resolveSibling("etcd-join.yaml"));
    assertEquals(7, beside.exitCode(), beside.toString());
    assertEquals(before, files());
    assertEquals(original, Files.readString(manifest));
    Files.writeString(out, "an earlier copy\n");
    assertEquals(7, join(JOINING, out).exitCode());
    assertEquals("an earlier copy\n", Files.readString(out));
    assertEquals(0, join(JOINING, out, "--force").exitCode(), "a rerun of the play replaces its own copy");
  }

  @Test
  void help_names_what_changes() {
    CliRun r = CliRun.of("manifest", "join", "--help");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("--initial-cluster-state=existing") && r.out().contains("Exit codes:"), r.out());
    assertTrue(CliRun.of("manifest", "--help").out().contains("join"));
  }
}
