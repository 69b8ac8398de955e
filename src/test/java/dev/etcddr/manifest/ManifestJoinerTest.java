package dev.etcddr.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestJoinerTest {
  private static final String STATE_NEW = "    - --initial-cluster-state=new\n";

  @TempDir
  Path dir;

  private final ManifestJoiner joiner = new ManifestJoiner();
  private final ManifestReader reader = new ManifestReader();
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  private Path write(String text) throws IOException {
    Path p = dir.resolve("etcd.yaml");
    Files.writeString(p, text);
    return p;
  }

  /** The peer URL and name the fixture's member has, read from the fixture (not from the code under test). */
  private static String ownEntry(String source) {
    String name = source.replaceAll("(?s).*\\n    - --name=([^\\n]+)\\n.*", "$1");
    String url = source.replaceAll("(?s).*\\n    - --initial-advertise-peer-urls=([^\\n]+)\\n.*", "$1");
    return name + "=" + url;
  }

  private static String cluster(String source) {
    return "a=https://10.0.0.1:2380," + ownEntry(source) + ",b=https://10.0.0.2:2380";
  }

  /** kubeadm's manifest of a first control-plane host, with the state flag kubeadm writes for it on 1.31+. */
  private static String withStateNew() throws IOException {
    String source = ManifestRepointerTest.kubeadm130();
    String own = ownEntry(source);
    return source.replace("    - --initial-cluster=" + own + "\n", "    - --initial-cluster=" + own + "\n" + STATE_NEW);
  }

  @Test
  void kubeadm_manifest_changes_only_the_initial_cluster_and_its_state() throws IOException {
    String source = withStateNew();
    String own = ownEntry(source);
    assertTrue(source.contains("    - --initial-cluster=" + own + "\n") && source.contains(STATE_NEW), source);
    String joining = cluster(source);
    JoinedManifest j = joiner.join(write(source), joining);
    JsonNode expected = yaml.readTree(source.replace("    - --initial-cluster=" + own + "\n",
        "    - --initial-cluster=" + joining + "\n").replace(STATE_NEW, "    - --initial-cluster-state=existing\n"));
    JsonNode actual = yaml.readTree(j.yaml());
    assertEquals(expected, actual, j.yaml());
    assertEquals(expected.toString(), actual.toString(), "same keys in the same order, same types");
    assertEquals(own, j.oldInitialCluster());
    assertEquals("new", j.oldInitialClusterState());
    EtcdManifest after = reader.fromTree(j.manifest(), actual);
    assertEquals(Optional.of("existing"), after.initialClusterState());
    assertEquals(List.of("a", own.split("=")[0], "b"), List.copyOf(after.initialCluster().keySet()));
  }

  @Test
  void adds_the_flags_a_manifest_lacks_at_the_end_of_the_argv() throws IOException {
    String source = withStateNew();
    String own = ownEntry(source);
    String bare = source.replace("    - --initial-cluster=" + own + "\n", "").replace(STATE_NEW, "");
    JoinedManifest j = joiner.join(write(bare), own);
    assertEquals("", j.oldInitialCluster());
    assertEquals("", j.oldInitialClusterState());
    JsonNode command = yaml.readTree(j.yaml()).at("/spec/containers/0/command");
    assertEquals("--initial-cluster=" + own, command.get(command.size() - 2).asText());
    assertEquals("--initial-cluster-state=existing", command.get(command.size() - 1).asText());
  }

  @Test
  void rewrites_split_and_repeated_flags() throws IOException {
    String source = withStateNew();
    String own = ownEntry(source);
    String split = source.replace("    - --initial-cluster=" + own + "\n",
        "    - --initial-cluster-state\n    - new\n    - --initial-cluster\n    - x=https://10.9.9.9:2380\n"
            + "    - --initial-cluster=" + own + "\n");
    JoinedManifest j = joiner.join(write(split), cluster(source));
    String text = j.yaml();
    assertFalse(text.contains("10.9.9.9") || text.contains("- new\n") || text.contains("=new\n"), text);
    assertEquals(Map.of("a", List.of("https://10.0.0.1:2380"), "b", List.of("https://10.0.0.2:2380"),
        own.split("=")[0], List.of(own.split("=", 2)[1])), reader.fromTree(j.manifest(), yaml.readTree(text))
        .initialCluster());
  }

  @Test
  void refuses_an_initial_cluster_without_this_member_and_its_peer_urls() throws IOException {
    String source = ManifestRepointerTest.kubeadm130();
    Path p = write(source);
    String name = ownEntry(source).split("=")[0];
    for (String bad : List.of("a=https://10.0.0.1:2380", name + "=https://10.0.0.9:2380,a=https://10.0.0.1:2380",
        "")) {
      ManifestException e = assertThrows(ManifestException.class, () -> joiner.join(p, bad));
      assertTrue(e.getMessage().startsWith(p + ": --initial-cluster " + bad + " does not list this member " + name),
          e.getMessage());
    }
    ManifestException e = assertThrows(ManifestException.class, () -> joiner.join(p, "nourl"));
    assertTrue(e.getMessage().contains("is not NAME=PEER_URL"), e.getMessage());
  }
}
