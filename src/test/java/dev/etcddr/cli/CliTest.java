package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir
  Path dir;

  private Path kubeadmManifest() throws IOException {
    Path p = dir.resolve("etcd.yaml");
    try (InputStream in = getClass().getResourceAsStream("/manifests/kubeadm-etcd.yaml")) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }

  @Test
  void every_command_has_help_with_the_exit_codes() {
    for (List<String> cmd : List.<List<String>>of(List.of(), List.of("manifest"), List.of("manifest", "show"),
        List.of("snapshot"), List.of("snapshot", "save"), List.of("snapshot", "status"),
        List.of("snapshot", "verify"), List.of("snapshot", "latest"), List.of("snapshot", "push"),
        List.of("snapshot", "pull"), List.of("cluster"), List.of("cluster", "health"))) {
      String[] args = java.util.stream.Stream.concat(cmd.stream(), java.util.stream.Stream.of("--help"))
          .toArray(String[]::new);
      CliRun r = CliRun.of(args);
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().contains("Exit codes:") && r.out().matches("(?s).*\\n\\s+7\\s+output refused.*")
          && r.out().matches("(?s).*\\n\\s+10\\s+remote store.*"), r.toString());
    }
  }

  @Test
  void a_named_command_gets_the_same_help_and_errors_from_its_branch_as_from_the_whole_tree() {
    CliRun root = CliRun.whole("--help");
    List<List<String>> leaves = new java.util.ArrayList<>();
    EtcdDrCli.create(new CliContext(java.time.Clock.systemUTC(), false), new java.io.PrintWriter(
        java.io.Writer.nullWriter()), new java.io.PrintWriter(java.io.Writer.nullWriter())).getSubcommands()
        .forEach((group, g) -> g.getSubcommands().keySet().forEach(leaf -> leaves.add(List.of(group, leaf))));
    assertTrue(leaves.size() > 20, "the whole tree: " + leaves);
    for (List<String> leaf : leaves) {
      assertTrue(root.out().contains("  " + leaf.get(0) + " "), leaf + " in the root's help");
      String[] help = {leaf.get(0), leaf.get(1), "--help"};
      assertEquals(CliRun.whole(help).toString(), CliRun.of(help).toString(), String.join(" ", help));
      String[] bad = {leaf.get(0), leaf.get(1), "--no-such-flag"};
      assertEquals(CliRun.whole(bad).toString(), CliRun.of(bad).toString(), String.join(" ", bad));
    }
    for (String[] typo : new String[][] {{"snapshot", "stauts"}, {"snapshto", "status"}, {"snapshot"},
        {"--version"}, {"-V"}, {"--version", "snapshot"}}) {
      assertEquals(CliRun.whole(typo).toString(), CliRun.of(typo).toString(), String.join(" ", typo));
    }
  }

  @Test
  void cluster_health_without_a_manifest_is_a_manifest_error_with_one_json_document() throws IOException {
    CliRun r = CliRun.of("cluster", "health", "--manifest", dir.resolve("missing.yaml").toString(), "-o", "json");
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals("manifest", new ObjectMapper().readTree(r.out()).get("error").get("kind").asText(), r.out());
  }

  @Test
  void version_comes_from_the_build() {
    CliRun r = CliRun.of("--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("etcd-dr "), r.out());
  }

  @Test
  void unknown_flags_and_missing_commands_are_usage_errors() {
    assertEquals(2, CliRun.of("snapshot", "save", "--no-such-flag").exitCode());
    assertEquals(2, CliRun.of().exitCode());
    assertEquals(2, CliRun.of("snapshot").exitCode());
    assertEquals(2, CliRun.of("snapshot", "save", "--timeout", "soon").exitCode());
  }

  @Test
  void cert_without_key_is_a_usage_error_before_anything_is_touched() {
    CliRun r = CliRun.of("snapshot", "save", dir.resolve("x.db").toString(), "--cert", "/nope.crt");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--cert and --key go together"), r.toString());
    assertTrue(!Files.exists(dir.resolve("x.db")) && !Files.exists(dir.resolve("x.db.part")));
  }

  @Test
  void file_and_dir_together_are_a_usage_error() {
    CliRun r = CliRun.of("snapshot", "save", dir.resolve("x.db").toString(), "--dir", dir.toString());
    assertEquals(2, r.exitCode(), r.toString());
  }

  @Test
  void manifest_show_json_is_stable_and_complete() throws IOException {
    CliRun r = CliRun.of("manifest", "show", "--manifest", kubeadmManifest().toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    for (String field : List.of("manifest", "member_name", "data_dir", "host_data_dir", "data_dir_on_host_path",
        "advertise_client_urls", "listen_client_urls", "initial_advertise_peer_urls", "initial_cluster",
        "initial_cluster_state", "initial_cluster_token", "cert_file", "key_file", "trusted_ca_file",
        "peer_cert_file", "peer_key_file", "peer_trusted_ca_file", "image", "image_tag", "etcd_version",
        "quota_backend_bytes")) {
      assertTrue(j.has(field), "missing " + field + " in " + r.out());
    }
    assertEquals("cp1", j.get("member_name").asText());
    assertEquals("https://10.0.0.13:2380", j.get("initial_cluster").get("cp3").get(0).asText());
    assertTrue(j.get("initial_cluster_token").isNull());
    assertEquals("3.5.16", j.get("etcd_version").asText());
    assertEquals("https://10.0.0.11:2379", j.get("client_endpoint").asText());
    assertFalse(j.get("initial_cluster_derived").asBoolean());
    assertEquals("/etc/kubernetes/pki/etcd/server.crt", j.get("host_cert_file").asText());
  }

  @Test
  void manifest_show_json_gives_host_paths_through_the_mounts_and_a_derived_cluster() throws IOException {
    Path m = kubeadmManifest();
    Files.writeString(m, Files.readString(m).replace("      path: /etc/kubernetes/pki/etcd\n",
        "      path: /srv/pki/etcd\n").replaceFirst("    - --initial-cluster=.*\n", ""));
    CliRun r = CliRun.of("manifest", "show", "--manifest", m.toString(), "-o", "json");
    assertEquals(0, r.exitCode(), r.toString());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("/etc/kubernetes/pki/etcd/server.crt", j.get("cert_file").asText(), "container path, as before");
    for (String[] f : new String[][] {{"host_cert_file", "server.crt"}, {"host_key_file", "server.key"},
        {"host_trusted_ca_file", "ca.crt"}, {"host_peer_cert_file", "peer.crt"}, {"host_peer_key_file", "peer.key"},
        {"host_peer_trusted_ca_file", "ca.crt"}}) {
      assertEquals("/srv/pki/etcd/" + f[1], j.get(f[0]).asText(), f[0] + " in " + r.out());
    }
    assertTrue(j.get("initial_cluster_derived").asBoolean());
    assertEquals("https://10.0.0.11:2380", j.get("initial_cluster").get("cp1").get(0).asText());
    CliRun text = CliRun.of("manifest", "show", "--manifest", m.toString());
    assertTrue(text.out().contains("(host /srv/pki/etcd/ca.crt)"), text.out());
  }

  @Test
  void manifest_show_reads_the_apiserver_manifest_beside_it_and_reports_a_refused_one() throws IOException {
    Path m = kubeadmManifest();
    Path api = dir.resolve("kube-apiserver.yaml");
    String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n"
        + "  - name: kube-apiserver\n    command:\n    - kube-apiserver\n    - --advertise-address=fd00::11\n";
    Files.writeString(api, pod);
    JsonNode j = new ObjectMapper().readTree(CliRun.of("manifest", "show", "--manifest", m.toString(),
        "--apiserver-manifest", api.toString(), "--apiserver-host", "10.9.9.9", "-o", "json").out());
    assertEquals("cp1", j.get("member_name").asText(), "the member's fields stay at the top");
    assertEquals("https://[fd00::11]:6443/readyz", j.at("/apiserver/ready_url").asText());
    assertTrue(j.at("/apiserver/present").asBoolean() && j.at("/apiserver/error").isNull(), j.toString());

    Files.writeString(api, pod.replace("fd00::11", "1.2.3.4/x?$(id)"));
    CliRun refused = CliRun.of("manifest", "show", "--manifest", m.toString(), "--apiserver-manifest",
        api.toString(), "-o", "json");
    assertEquals(0, refused.exitCode(), "the etcd manifest is still shown: " + refused);
    j = new ObjectMapper().readTree(refused.out());
    assertTrue(j.at("/apiserver/ready_url").isNull(), j.toString());
    assertTrue(j.at("/apiserver/error").asText().contains(api.toString())
        && j.at("/apiserver/error").asText().contains("is not an IP address"), j.toString());

    Files.delete(api);
    j = new ObjectMapper().readTree(CliRun.of("manifest", "show", "--manifest", m.toString(),
        "--apiserver-manifest", api.toString(), "-o", "json").out());
    assertFalse(j.at("/apiserver/present").asBoolean(), j.toString());
    assertTrue(j.at("/apiserver/ready_url").isNull() && j.at("/apiserver/error").isNull(), j.toString());
    assertFalse(new ObjectMapper().readTree(CliRun.of("manifest", "show", "--manifest", m.toString(), "-o", "json")
        .out()).has("apiserver"), "no apiserver field unless asked");
  }

  @Test
  void manifest_show_text_warns_when_data_is_not_on_a_hostPath() throws IOException {
    Path m = kubeadmManifest();
    Files.writeString(m, Files.readString(m).replace("--data-dir=/var/lib/etcd", "--data-dir=/tmp/etcd"));
    CliRun r = CliRun.of("manifest", "show", "--manifest", m.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("NONE: --data-dir is not on a hostPath volume"), r.out());
  }

  @Test
  void a_missing_manifest_exits_3_naming_it_and_as_json_on_stdout() throws IOException {
    Path missing = dir.resolve("missing.yaml");
    CliRun r = CliRun.of("manifest", "show", "--manifest", missing.toString(), "-o", "json");
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("etcd-dr: error: " + missing + ": not found"), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("manifest", j.get("error").get("kind").asText());
    assertEquals(3, j.get("error").get("exit_code").asInt());
  }

  @Test
  void status_and_verify_of_a_missing_file_exit_8() {
    for (String cmd : List.of("status", "verify")) {
      CliRun r = CliRun.of("snapshot", cmd, dir.resolve("none.db").toString());
      assertEquals(8, r.exitCode(), r.toString());
      assertTrue(r.err().contains("none.db: no such file"), r.err());
    }
  }

  @Test
  void status_of_something_that_is_not_a_snapshot_exits_6() throws IOException {
    Path junk = dir.resolve("junk.db");
    Files.write(junk, new byte[8192]);
    CliRun r = CliRun.of("snapshot", "status", junk.toString());
    assertEquals(6, r.exitCode(), r.toString());
    assertTrue(r.err().contains("neither meta page is valid"), r.err());
    CliRun v = CliRun.of("snapshot", "verify", junk.toString(), "-o", "json");
    assertEquals(6, v.exitCode(), v.toString());
    JsonNode j = new ObjectMapper().readTree(v.out());
    assertEquals("fail", j.get("checks").get(1).get("result").asText());
    assertEquals("skipped", j.get("checks").get(2).get("result").asText());
    CliRun counted = CliRun.of("snapshot", "verify", junk.toString(), "--count-keys", "/", "-o", "json");
    assertEquals(6, counted.exitCode(), counted.toString());
    JsonNode c = new ObjectMapper().readTree(counted.out());
    assertEquals(j.get("checks"), c.get("checks"));
    assertTrue(c.has("status") && c.get("status").isNull(), "no status of a file that failed: " + counted.out());
  }

  @Test
  void status_takes_either_etcdctl_forms_or_our_json() {
    assertEquals(2, CliRun.of("snapshot", "status", "x.db", "-w", "table", "-o", "json").exitCode());
  }

  @Test
  void snapshot_save_without_a_manifest_exits_3_and_writes_nothing() {
    CliRun r = CliRun.of("snapshot", "save", "--manifest", dir.resolve("none.yaml").toString(), "--dir",
        dir.resolve("out").toString());
    assertEquals(3, r.exitCode(), r.toString());
    assertTrue(!Files.exists(dir.resolve("out")), "no output directory created before inputs are valid");
  }
}
