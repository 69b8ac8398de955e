package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.etcddr.manifest.EtcdManifest;
import dev.etcddr.manifest.ManifestReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestRepointCommandTest {
  private static final String NEW = "/var/lib/etcd-restore-20261127T190000Z";

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
    out = Files.createDirectories(dir.resolve("restores/20261127T190000Z")).resolve("etcd.yaml");
  }

  private CliRun repoint(String... extra) {
    List<String> args = new ArrayList<>(List.of("manifest", "repoint", "--manifest", manifest.toString(),
        "--data-dir", NEW, "--out", out.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Every file, directory and link under the test dir, with its content: hidden and .part files included. */
  private Map<String, String> tree() throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.toList()) {
        String what = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
            : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
            : Base64.getEncoder().encodeToString(Files.readAllBytes(p));
        entries.put(dir.relativize(p).toString(), what);
      }
    }
    return entries;
  }

  private CliRun assertRefusedLeavingEverything(int code, String message, String... args) throws IOException {
    Map<String, String> before = tree();
    CliRun r = CliRun.of(args);
    assertEquals(code, r.exitCode(), r.toString());
    assertTrue(r.err().contains(message), r.toString());
    assertEquals(before, tree(), "every file byte-identical, nothing new");
    return r;
  }

  /** {@code manifest show -o json} without the fields a repoint changes. */
  private static JsonNode showWithoutDataDir(Path file) throws IOException {
    CliRun r = CliRun.of("manifest", "show", "--manifest", file.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    ObjectNode j = (ObjectNode) new ObjectMapper().readTree(r.out());
    j.remove(List.of("manifest", "data_dir", "host_data_dir"));
    return j;
  }

  @Test
  void writes_a_repointed_copy_and_leaves_the_original_as_it_was() throws IOException {
    CliRun r = repoint();
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("wrote " + out + ": data dir /var/lib/etcd → " + NEW + " (--data-dir; volume etcd-data: mountPath"
        + " and hostPath /var/lib/etcd → " + NEW + "); " + manifest + " unchanged\n", r.out());
    assertEquals(original, Files.readString(manifest));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertEquals(List.of("", "manifests", "manifests/etcd.yaml", "restores", "restores/20261127T190000Z",
        "restores/20261127T190000Z/etcd.yaml"), List.copyOf(tree().keySet()), "no temporary file left");
    EtcdManifest after = new ManifestReader().read(out);
    assertEquals(NEW, after.dataDir());
    assertEquals(Optional.of(NEW), after.hostDataDir());
    assertEquals(showWithoutDataDir(manifest), showWithoutDataDir(out));
    String expected = original.substring(original.indexOf("apiVersion:"))
        .replace("--data-dir=/var/lib/etcd\n", "--data-dir=" + NEW + "\n")
        .replace("mountPath: /var/lib/etcd\n", "mountPath: " + NEW + "\n")
        .replace("      path: /var/lib/etcd\n", "      path: " + NEW + "\n");
    assertEquals(expected, Files.readString(out), "kubeadm's text but for the three changed lines (and comments)");
  }

  @Test
  void json_names_what_changed() throws IOException {
    CliRun r = repoint("-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(List.of("manifest", "out", "volume", "old_data_dir", "new_data_dir", "old_host_path",
        "new_host_path"), fieldNames(j));
    assertEquals(manifest.toString(), j.get("manifest").asText());
    assertEquals(out.toString(), j.get("out").asText());
    assertEquals("etcd-data", j.get("volume").asText());
    assertEquals("/var/lib/etcd", j.get("old_data_dir").asText());
    assertEquals(NEW, j.get("new_data_dir").asText());
    assertEquals("/var/lib/etcd", j.get("old_host_path").asText());
    assertEquals(NEW, j.get("new_host_path").asText());
  }

  private static List<String> fieldNames(JsonNode j) {
    List<String> names = new ArrayList<>();
    j.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void split_and_repeated_data_dir_flags_all_point_at_the_new_dir() throws IOException {
    Files.writeString(manifest, original
        .replace("    - etcd\n", "    - etcd\n    - --data-dir=/var/lib/etcd-old\n")
        .replace("    - --data-dir=/var/lib/etcd\n", "    - --data-dir\n    - /var/lib/etcd\n"));
    CliRun r = repoint();
    assertEquals(0, r.exitCode(), r.toString());
    String copy = Files.readString(out);
    assertTrue(copy.contains("    - --data-dir=" + NEW + "\n") && copy.contains("    - --data-dir\n    - " + NEW + "\n"),
        copy);
    assertFalse(copy.replace(NEW, "").contains("/var/lib/etcd"), copy);
    assertEquals(NEW, new ManifestReader().read(out).dataDir());
  }

  @Test
  void data_dir_below_its_mount_becomes_the_new_mount_root() throws IOException {
    Files.writeString(manifest, original
        .replace("--data-dir=/var/lib/etcd\n", "--data-dir=/var/lib/etcd/member-data\n")
        .replace("      path: /var/lib/etcd\n", "      path: /data/etcd\n"));
    CliRun r = repoint("-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("/var/lib/etcd/member-data", j.get("old_data_dir").asText());
    assertEquals("/data/etcd", j.get("old_host_path").asText());
    EtcdManifest after = new ManifestReader().read(out);
    assertEquals(NEW, after.dataDir());
    assertEquals(Optional.of(NEW), after.hostDataDir());
  }

  @Test
  void force_replaces_an_existing_copy() throws IOException {
    Files.writeString(out, "stale\n");
    CliRun r = repoint("--force");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(NEW, new ManifestReader().read(out).dataDir());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
  }

  private String[] args(String dataDir, Path outFile, String... extra) {
    List<String> a = new ArrayList<>(List.of("manifest", "repoint", "--manifest", manifest.toString(),
        "--data-dir", dataDir, "--out", outFile.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void refusals_leave_every_file_as_it_was() throws IOException {
    assertRefusedLeavingEverything(2, "must be an absolute, normalized path", args("var/lib/etcd-new", out));
    assertRefusedLeavingEverything(2, "(/var/lib/etcd-new?)", args("/var/lib/x/../etcd-new/", out));
    assertRefusedLeavingEverything(7, "is the manifest itself", args(NEW, manifest, "--force"));
    assertRefusedLeavingEverything(7, "is the manifest itself",
        args(NEW, dir.resolve("restores/../manifests/./etcd.yaml"), "--force"));
    Path link = Files.createSymbolicLink(out.resolveSibling("link.yaml"), manifest);
    assertRefusedLeavingEverything(7, "is the manifest itself", args(NEW, link, "--force"));
    assertRefusedLeavingEverything(7, "in the same directory as", args(NEW, manifest.resolveSibling("etcd2.yaml")));
    assertRefusedLeavingEverything(7, "does not exist; create it first", args(NEW, dir.resolve("none/etcd.yaml")));
    Files.writeString(out, "an earlier copy\n");
    assertRefusedLeavingEverything(7, "already exists; pass --force", args(NEW, out));
    assertRefusedLeavingEverything(7, "is a directory", args(NEW, out.getParent().getParent(), "--force"));
    Files.delete(out);

    Files.writeString(manifest, original.replace("--data-dir=/var/lib/etcd\n", "--data-dir=/tmp/etcd\n"));
    assertRefusedLeavingEverything(3, manifest + ": --data-dir /tmp/etcd is on no volumeMount", args(NEW, out));
    Files.writeString(manifest, "kind: Pod\nspec: [unclosed\n");
    assertRefusedLeavingEverything(3, manifest + ": not valid YAML", args(NEW, out));
    Files.delete(manifest);
    CliRun r = assertRefusedLeavingEverything(3, manifest + ": not found", args(NEW, out, "-o", "json"));
    assertEquals("manifest", new ObjectMapper().readTree(r.out()).get("error").get("kind").asText());
  }

  @Test
  void help_teaches_and_lists_the_exit_codes() {
    CliRun r = CliRun.of("manifest", "repoint", "--help");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("The original manifest is never modified"), r.out());
    assertTrue(r.out().contains("etcd-dr manifest repoint --manifest /etc/kubernetes/manifests/etcd.yaml"), r.out());
    assertTrue(r.out().contains("Exit codes:") && r.out().matches("(?s).*\\n\\s+7\\s+output refused.*"), r.out());
    assertTrue(CliRun.of("manifest", "--help").out().contains("repoint"));
  }
}
