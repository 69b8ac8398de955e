package dev.etcddr.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {
  @TempDir
  Path dir;

  private final ManifestReader reader = new ManifestReader();

  static String kubeadmManifest() throws IOException {
    try (InputStream in = ManifestReaderTest.class.getResourceAsStream("/manifests/kubeadm-etcd.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Path write(String yaml) throws IOException {
    Path p = dir.resolve("etcd.yaml");
    Files.writeString(p, yaml);
    return p;
  }

  @Test
  void reads_every_field_of_a_kubeadm_manifest() throws IOException {
    EtcdManifest m = reader.read(write(kubeadmManifest()));
    assertEquals("cp1", m.memberName());
    assertEquals("/var/lib/etcd", m.dataDir());
    assertEquals(Optional.of("/var/lib/etcd"), m.hostDataDir());
    assertEquals(Optional.of("etcd-data"), m.dataVolumeName());
    assertEquals(List.of("https://10.0.0.11:2379"), m.advertiseClientUrls());
    assertEquals(List.of("https://127.0.0.1:2379", "https://10.0.0.11:2379"), m.listenClientUrls());
    assertEquals(List.of("https://10.0.0.11:2380"), m.initialAdvertisePeerUrls());
    assertEquals(Map.of("cp1", List.of("https://10.0.0.11:2380"), "cp2", List.of("https://10.0.0.12:2380"),
        "cp3", List.of("https://10.0.0.13:2380")), m.initialCluster());
    assertEquals(List.of("cp1", "cp2", "cp3"), List.copyOf(m.initialCluster().keySet()), "order kept");
    assertEquals(Optional.of("existing"), m.initialClusterState());
    assertEquals(Optional.empty(), m.initialClusterToken());
    assertEquals("/etc/kubernetes/pki/etcd/server.crt", m.certFile());
    assertEquals("/etc/kubernetes/pki/etcd/server.key", m.keyFile());
    assertEquals("/etc/kubernetes/pki/etcd/ca.crt", m.trustedCaFile());
    assertEquals(Optional.of("/etc/kubernetes/pki/etcd/peer.crt"), m.peerCertFile());
    assertEquals("registry.k8s.io/etcd:3.5.16-0", m.image());
    assertEquals(Optional.of("3.5.16-0"), m.imageTag());
    assertEquals(Optional.of("3.5.16"), m.etcdVersion());
    assertEquals(Optional.of(8589934592L), m.quotaBackendBytes());
    assertEquals(Path.of("/etc/kubernetes/pki"), m.kubernetesPkiDir().orElseThrow());
  }

  @Test
  void host_data_dir_follows_a_repointed_hostPath() throws IOException {
    // After a manual restore people often repoint only the hostPath; the container still says /var/lib/etcd.
    String yaml = kubeadmManifest().replace("      path: /var/lib/etcd\n", "      path: /var/lib/etcd-restored\n");
    EtcdManifest m = reader.read(write(yaml));
    assertEquals("/var/lib/etcd", m.dataDir());
    assertEquals(Optional.of("/var/lib/etcd-restored"), m.hostDataDir());
  }

  @Test
  void data_dir_below_a_mount_maps_to_the_same_place_below_the_hostPath() throws IOException {
    String yaml = kubeadmManifest().replace("--data-dir=/var/lib/etcd", "--data-dir=/var/lib/etcd/member-data")
        .replace("      path: /var/lib/etcd\n", "      path: /data/etcd\n");
    assertEquals(Optional.of("/data/etcd/member-data"), reader.read(write(yaml)).hostDataDir());
  }

  @Test
  void data_dir_off_any_hostPath_is_reported_as_absent() throws IOException {
    String yaml = kubeadmManifest().replace("--data-dir=/var/lib/etcd", "--data-dir=/tmp/etcd");
    EtcdManifest m = reader.read(write(yaml));
    assertEquals(Optional.empty(), m.hostDataDir());
  }

  @Test
  void accepts_space_separated_flags_and_the_last_repeat_wins() throws IOException {
    String yaml = kubeadmManifest()
        .replace("    - --name=cp1\n", "    - --name\n    - first\n    - --name\n    - cp1\n")
        .replace("    - --snapshot-count=10000\n", "    - --data-dir\n    - /var/lib/etcd/x\n");
    EtcdManifest m = reader.read(write(yaml));
    assertEquals("cp1", m.memberName());
    assertEquals("/var/lib/etcd/x", m.dataDir());
  }

  @Test
  void flags_may_live_in_args() throws IOException {
    String yaml = kubeadmManifest().replace("    - --name=cp1\n", "").replace("    image: ",
        "    args:\n    - --name=cp1\n    image: ");
    assertEquals("cp1", reader.read(write(yaml)).memberName());
  }

  @Test
  void member_with_two_peer_urls() throws IOException {
    String yaml = kubeadmManifest()
        .replace("--initial-advertise-peer-urls=https://10.0.0.11:2380",
            "--initial-advertise-peer-urls=https://10.0.0.11:2380,https://10.1.0.11:2380")
        .replace("cp1=https://10.0.0.11:2380,", "cp1=https://10.0.0.11:2380,cp1=https://10.1.0.11:2380,");
    EtcdManifest m = reader.read(write(yaml));
    assertEquals(List.of("https://10.0.0.11:2380", "https://10.1.0.11:2380"), m.initialAdvertisePeerUrls());
    assertEquals(List.of("https://10.0.0.11:2380", "https://10.1.0.11:2380"), m.initialCluster().get("cp1"));
  }

  @Test
  void advertise_url_falls_back_to_the_kubeadm_annotation() throws IOException {
    String yaml = kubeadmManifest().replace("    - --advertise-client-urls=https://10.0.0.11:2379\n", "");
    assertEquals("https://10.0.0.11:2379", reader.read(write(yaml)).clientEndpoint());
  }

  @Test
  void image_tags_with_registry_ports_and_digests() {
    assertEquals(Optional.of("3.5.16-0"), ManifestReader.imageTag("my.registry:5000/etcd:3.5.16-0"));
    assertEquals(Optional.empty(), ManifestReader.imageTag("my.registry:5000/etcd"));
    assertEquals(Optional.of("v3.5.16"), ManifestReader.imageTag("quay.io/coreos/etcd:v3.5.16@sha256:abcd"));
  }

  private String errorFor(String yaml) throws IOException {
    Path p = write(yaml);
    ManifestException e = assertThrows(ManifestException.class, () -> reader.read(p));
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  /** A flag only some consumers need: the manifest reads, and the error comes when one asks for it. */
  private String neededError(String yaml, java.util.function.Function<EtcdManifest, ?> consumer) throws IOException {
    Path p = write(yaml);
    EtcdManifest m = reader.read(p);
    ManifestException e = assertThrows(ManifestException.class, () -> consumer.apply(m));
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void missing_file_is_named() {
    Path p = dir.resolve("nope.yaml");
    ManifestException e = assertThrows(ManifestException.class, () -> reader.read(p));
    assertTrue(e.getMessage().contains(p + ": not found"), e.getMessage());
  }

  @Test
  void rejects_bad_input_with_one_clear_line() throws IOException {
    assertTrue(errorFor("").contains("empty"));
    assertTrue(errorFor("kind: Pod\nspec: [unclosed\n").contains("not valid YAML at line"));
    assertTrue(errorFor("- a\n- b\n").contains("not a Kubernetes object"));
    assertTrue(errorFor(kubeadmManifest().replace("kind: Pod", "kind: Deployment"))
        .contains("kind is 'Deployment'"));
    assertTrue(errorFor("apiVersion: v1\nkind: Pod\nspec: {}\n").contains("spec.containers is missing"));
    assertTrue(errorFor(kubeadmManifest().replace("    - etcd\n", "    - kube-apiserver\n")
        .replace("    name: etcd\n", "    name: apiserver\n")).contains("no etcd container"));
    assertTrue(neededError(kubeadmManifest().replace("    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n", ""),
        EtcdManifest::certFile).contains("no --cert-file flag"));
    assertTrue(neededError(kubeadmManifest().replace("    - --data-dir=/var/lib/etcd\n", ""), EtcdManifest::dataDir)
        .contains("no --data-dir flag"));
    assertTrue(neededError(kubeadmManifest().replace("    - --name=cp1\n", "    - --name=cp9\n"),
        EtcdManifest::initialCluster).contains("does not list this member's --name 'cp9'"));
    assertTrue(errorFor(kubeadmManifest().replace("cp2=https://10.0.0.12:2380", "cp2"))
        .contains("entry 'cp2' is not NAME=PEER_URL"));
    assertTrue(errorFor(kubeadmManifest().replace("--quota-backend-bytes=8589934592", "--quota-backend-bytes=8G"))
        .contains("--quota-backend-bytes '8G'"));
  }

  @Test
  void reads_a_manifest_whose_urls_are_ipv6_literals() throws IOException {
    String yaml = kubeadmManifest().replace("10.0.0.11", "[fd00::11]").replace("10.0.0.12", "[fd00:0:0::12]")
        .replace("10.0.0.13", "[fd00::13]").replace("https://127.0.0.1:", "https://[::1]:");
    EtcdManifest m = reader.read(write(yaml));
    assertEquals("https://[fd00::11]:2379", m.clientEndpoint());
    assertEquals(List.of("https://[fd00::11]:2380"), m.initialAdvertisePeerUrls());
    // as written: member IDs hash these strings
    assertEquals(List.of("https://[fd00:0:0::12]:2380"), m.initialCluster().get("cp2"));
    assertTrue(m.listenClientUrls().contains("https://[::1]:2379"), m.listenClientUrls().toString());
  }

  @Test
  void the_annotation_may_give_an_ipv6_advertise_url() throws IOException {
    String yaml = kubeadmManifest().replace("    - --advertise-client-urls=https://10.0.0.11:2379\n", "")
        .replace("etcd.advertise-client-urls: https://10.0.0.11:2379", "etcd.advertise-client-urls: https://[fd00::11]:2379");
    assertEquals("https://[fd00::11]:2379", reader.read(write(yaml)).clientEndpoint());
  }

  @Test
  void an_unbracketed_ipv6_url_is_refused_naming_its_flag() throws IOException {
    assertEquals("--advertise-client-urls: URL 'https://fd00::11:2379': an IPv6 address must be in brackets:"
        + " https://[fd00::11]:2379", problem(kubeadmManifest().replace("--advertise-client-urls=https://10.0.0.11:2379",
        "--advertise-client-urls=https://fd00::11:2379")));
    assertTrue(problem(kubeadmManifest().replace("--initial-advertise-peer-urls=https://10.0.0.11:2380",
        "--initial-advertise-peer-urls=https://fd00::11:2380")).startsWith("--initial-advertise-peer-urls: URL"));
    assertTrue(problem(kubeadmManifest().replace("cp2=https://10.0.0.12:2380", "cp2=https://fd00::12:2380"))
        .startsWith("--initial-cluster entry 'cp2=https://fd00::12:2380': URL"));
    assertTrue(problem(kubeadmManifest().replace("--listen-client-urls=https://127.0.0.1:2379",
        "--listen-client-urls=https://::1:2379")).startsWith("--listen-client-urls: URL 'https://::1:2379'"));
    String annotated = kubeadmManifest().replace("    - --advertise-client-urls=https://10.0.0.11:2379\n", "")
        .replace("etcd.advertise-client-urls: https://10.0.0.11:2379", "etcd.advertise-client-urls: https://fd00::11:2379");
    assertTrue(problem(annotated).startsWith("annotation kubeadm.kubernetes.io/etcd.advertise-client-urls: URL"));
  }

  private String problem(String yaml) throws IOException {
    Path p = write(yaml);
    ManifestException e = assertThrows(ManifestException.class, () -> reader.read(p));
    return e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
  }

  @Test
  void a_directory_is_not_a_manifest() {
    ManifestException e = assertThrows(ManifestException.class, () -> reader.read(dir));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }
}
