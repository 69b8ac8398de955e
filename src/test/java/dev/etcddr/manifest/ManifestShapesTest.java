package dev.etcddr.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd static pod shapes kubeadm (1.9 … 1.34+) and the people editing its output have written. Each input is
 * written here in that shape; what is asserted is what every consumer reads from it: member name, URLs, host paths
 * of data and certificates, version.
 */
class ManifestShapesTest {
  @TempDir
  Path dir;

  private final ManifestReader reader = new ManifestReader();

  /** A pod around one etcd container; {@code container} is its YAML from {@code command:} on, indented 4. */
  private static String pod(String container, String volumes) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          labels:
            component: etcd
          name: etcd
          namespace: kube-system
        spec:
          containers:
          - name: etcd
        %s
          hostNetwork: true
          volumes:
        %s
        """.formatted(container.stripTrailing(), volumes.stripTrailing());
  }

  private static final String KUBEADM_VOLUMES = """
        - hostPath:
            path: /etc/kubernetes/pki/etcd
            type: DirectoryOrCreate
          name: etcd-certs
        - hostPath:
            path: /var/lib/etcd
            type: DirectoryOrCreate
          name: etcd-data
      """;

  private static final String KUBEADM_MOUNTS = """
          volumeMounts:
          - mountPath: /var/lib/etcd
            name: etcd-data
          - mountPath: /etc/kubernetes/pki/etcd
            name: etcd-certs
      """;

  private EtcdManifest read(String yaml) throws IOException {
    Path p = dir.resolve("etcd.yaml");
    Files.writeString(p, yaml);
    return reader.read(p);
  }

  private static void assertKubeadmCerts(EtcdManifest m) {
    assertEquals(Path.of("/etc/kubernetes/pki/etcd/server.crt"), m.hostFile("cert-file"));
    assertEquals(Path.of("/etc/kubernetes/pki/etcd/server.key"), m.hostFile("key-file"));
    assertEquals(Path.of("/etc/kubernetes/pki/etcd/ca.crt"), m.hostFile("trusted-ca-file"));
  }

  @Test
  void flags_in_args_behind_command_etcd() throws IOException {
    EtcdManifest m = read(pod("""
            command:
            - etcd
            args:
            - --name=cp1
            - --data-dir=/var/lib/etcd
            - --advertise-client-urls=https://10.0.0.11:2379
            - --initial-advertise-peer-urls=https://10.0.0.11:2380
            - --initial-cluster=cp1=https://10.0.0.11:2380
            - --cert-file=/etc/kubernetes/pki/etcd/server.crt
            - --key-file=/etc/kubernetes/pki/etcd/server.key
            - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
            image: registry.k8s.io/etcd:3.5.9-0
        """ + KUBEADM_MOUNTS, KUBEADM_VOLUMES));
    assertEquals("cp1", m.memberName());
    assertEquals("https://10.0.0.11:2379", m.clientEndpoint());
    assertEquals(Map.of("cp1", List.of("https://10.0.0.11:2380")), m.initialCluster());
    assertEquals(Optional.of("/var/lib/etcd"), m.hostDataDir());
    assertKubeadmCerts(m);
    assertEquals(Optional.of("3.5.9"), m.etcdVersion());
  }

  @Test
  void flags_split_between_command_and_args() throws IOException {
    EtcdManifest m = read(pod("""
            command:
            - etcd
            - --name=cp1
            - --data-dir=/var/lib/etcd
            - --cert-file=/etc/kubernetes/pki/etcd/server.crt
            - --key-file=/etc/kubernetes/pki/etcd/server.key
            args:
            - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
            - --advertise-client-urls=https://10.0.0.11:2379
            - --initial-advertise-peer-urls=https://10.0.0.11:2380
            image: registry.k8s.io/etcd:3.4.13-0
        """ + KUBEADM_MOUNTS, KUBEADM_VOLUMES));
    assertEquals("cp1", m.memberName());
    assertEquals("https://10.0.0.11:2379", m.clientEndpoint());
    assertKubeadmCerts(m);
    assertEquals(Optional.of("3.4.13"), m.etcdVersion());
  }

  @Test
  void inline_comments_on_flag_lines_are_not_part_of_the_value() throws IOException {
    EtcdManifest m = read(pod("""
            command:
            - etcd
            - --name=cp1   # this node
            - --data-dir=/var/lib/etcd    # where member/ lives
            - --advertise-client-urls=https://10.0.0.11:2379 # dial this
            - --initial-advertise-peer-urls=https://10.0.0.11:2380
            - --initial-cluster=cp1=https://10.0.0.11:2380  # single member
            - --cert-file=/etc/kubernetes/pki/etcd/server.crt # server cert
            - --key-file=/etc/kubernetes/pki/etcd/server.key
            - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt  # CA
            # a whole-line comment between flags
            image: registry.k8s.io/etcd:3.5.12-0
        """ + KUBEADM_MOUNTS, KUBEADM_VOLUMES));
    assertEquals("cp1", m.memberName());
    assertEquals("/var/lib/etcd", m.dataDir());
    assertEquals("https://10.0.0.11:2379", m.clientEndpoint());
    assertEquals(List.of("cp1"), List.copyOf(m.initialCluster().keySet()));
    assertKubeadmCerts(m);
  }

  /** Three members whose names are FQDNs, this one (cp2) listed second. */
  private static final String FQDN_MEMBERS = """
          command:
          - etcd
          - --name=cp2.example.internal
          - --data-dir=/var/lib/etcd
          - --advertise-client-urls=https://cp2.example.internal:2379
          - --initial-advertise-peer-urls=https://cp2.example.internal:2380
          - --initial-cluster=cp1.example.internal=https://cp1.example.internal:2380,cp2.example.internal=https://cp2.example.internal:2380,cp3.example.internal=https://cp3.example.internal:2380
          - --initial-cluster-state=existing
          - --cert-file=/etc/kubernetes/pki/etcd/server.crt
          - --key-file=/etc/kubernetes/pki/etcd/server.key
          - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
          image: registry.k8s.io/etcd:3.5.15-0
      """;

  @Test
  void fqdn_member_names_and_the_local_member_not_first() throws IOException {
    EtcdManifest m = read(pod(FQDN_MEMBERS + KUBEADM_MOUNTS, KUBEADM_VOLUMES));
    assertEquals("cp2.example.internal", m.memberName());
    assertEquals("https://cp2.example.internal:2379", m.clientEndpoint());
    assertEquals(List.of("cp1.example.internal", "cp2.example.internal", "cp3.example.internal"),
        List.copyOf(m.initialCluster().keySet()));
    assertEquals(List.of("https://cp2.example.internal:2380"), m.initialCluster().get("cp2.example.internal"));
    assertEquals(Optional.of("/var/lib/etcd"), m.hostDataDir());
    assertKubeadmCerts(m);
  }

  /** 1.12/1.13-era hand-made pod: no --initial-cluster, certs and data on hostPaths mounted elsewhere. */
  private static final String REMAPPED = pod("""
          command:
          - etcd
          - --name=solo
          - --data-dir=/data/etcd
          - --cert-file=/etc/kubernetes/pki/etcd/server.crt
          - --key-file=/etc/kubernetes/pki/etcd/server.key
          - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
          - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
          - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
          - --initial-advertise-peer-urls=https://10.1.2.3:2380
          - --listen-peer-urls=https://10.1.2.3:2380
          - --listen-client-urls=https://10.1.2.3:2379,https://127.0.0.1:2379
          - --advertise-client-urls=https://10.1.2.3:2379
          image: example.org/mirror/etcd:v3.3.10
          volumeMounts:
          - mountPath: /data/etcd
            name: member-store
          - mountPath: /etc/kubernetes/pki/etcd
            name: etcd-certs
      """, """
        - hostPath:
            path: /srv/pki/etcd
          name: etcd-certs
        - hostPath:
            path: /mnt/disk1/etcd
            type: DirectoryOrCreate
          name: member-store
      """);

  @Test
  void no_initial_cluster_means_name_equals_the_advertised_peer_urls() throws IOException {
    EtcdManifest m = read(REMAPPED);
    assertEquals("solo", m.memberName());
    assertEquals(Optional.empty(), m.initialClusterFlag());
    assertEquals(Map.of("solo", List.of("https://10.1.2.3:2380")), m.initialCluster());
    assertEquals("https://10.1.2.3:2379", m.clientEndpoint());
    assertEquals(Optional.of("3.3.10"), m.etcdVersion());
  }

  @Test
  void data_volume_of_another_name_and_certs_behind_a_hostPath_mounted_elsewhere() throws IOException {
    EtcdManifest m = read(REMAPPED);
    assertEquals("/data/etcd", m.dataDir());
    assertEquals(Optional.of("member-store"), m.dataVolumeName());
    assertEquals(Optional.of("/mnt/disk1/etcd"), m.hostDataDir());
    assertEquals("/etc/kubernetes/pki/etcd/server.crt", m.certFile(), "the container path, as written");
    assertEquals(Path.of("/srv/pki/etcd/server.crt"), m.hostFile("cert-file"));
    assertEquals(Path.of("/srv/pki/etcd/server.key"), m.hostFile("key-file"));
    assertEquals(Path.of("/srv/pki/etcd/ca.crt"), m.hostFile("trusted-ca-file"));
    assertEquals(Path.of("/srv/pki/etcd/peer.crt"), m.hostFile("peer-cert-file"));
    assertEquals(Path.of("/srv/pki"), m.kubernetesPkiDir().orElseThrow(), "the host's, not the container's");
  }

  @Test
  void what_snapshot_save_needs_is_there_without_initial_cluster_or_peer_urls() throws IOException {
    // snapshot save and cluster health use the endpoint and the TLS files only (EtcdAccess).
    EtcdManifest m = read(REMAPPED.replace("    - --initial-advertise-peer-urls=https://10.1.2.3:2380\n", ""));
    assertEquals("https://10.1.2.3:2379", m.clientEndpoint());
    assertEquals(Path.of("/srv/pki/etcd/ca.crt"), m.hostFile("trusted-ca-file"));
    // a restore does need the cluster: the error names what is missing
    ManifestException e = assertThrows(ManifestException.class, m::initialCluster);
    assertTrue(e.getMessage().contains("no --initial-advertise-peer-urls flag"), e.getMessage());
  }

  @Test
  void a_cert_on_a_mount_without_its_volume_has_no_host_path_and_says_so() throws IOException {
    EtcdManifest m = read(REMAPPED.replace("      path: /srv/pki/etcd\n    name: etcd-certs\n",
        "      path: /srv/pki/etcd\n    name: other-certs\n"));
    ManifestException e = assertThrows(ManifestException.class, () -> m.hostFile("trusted-ca-file"));
    assertTrue(e.getMessage().contains("--trusted-ca-file /etc/kubernetes/pki/etcd/ca.crt is on no hostPath volume"),
        e.getMessage());
    assertEquals(Optional.empty(), m.kubernetesPkiDir());
  }

  @Test
  void a_name_missing_from_initial_cluster_fails_only_the_consumers_of_the_cluster() throws IOException {
    EtcdManifest m = read(pod(FQDN_MEMBERS.replace("--name=cp2.example.internal", "--name=cp9.example.internal")
        + KUBEADM_MOUNTS, KUBEADM_VOLUMES));
    assertEquals("https://cp2.example.internal:2379", m.clientEndpoint());
    ManifestException e = assertThrows(ManifestException.class, m::initialCluster);
    assertTrue(e.getMessage().endsWith("--initial-cluster does not list this member's --name 'cp9.example.internal'"),
        e.getMessage());
  }

  private static String wildcardPod(String advertise, String annotation) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          annotations:
            kubeadm.kubernetes.io/etcd.advertise-client-urls: %s
          name: etcd
        spec:
          containers:
          - command:
            - etcd
            - --name=cp1
            - --data-dir=/var/lib/etcd
            - --listen-client-urls=https://0.0.0.0:2379,https://[::]:2379
            - --listen-peer-urls=https://[::0:0]:2380
        %s    - --initial-advertise-peer-urls=https://10.0.0.11:2380
            - --cert-file=/etc/kubernetes/pki/etcd/server.crt
            - --key-file=/etc/kubernetes/pki/etcd/server.key
            - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
            image: registry.k8s.io/etcd:3.5.21-0
            name: etcd
        """.formatted(annotation, advertise);
  }

  @Test
  void wildcard_listen_urls_are_never_the_endpoint() throws IOException {
    EtcdManifest m = read(wildcardPod("    - --advertise-client-urls=https://10.0.0.11:2379\n",
        "https://10.0.0.11:2379"));
    assertEquals("https://10.0.0.11:2379", m.clientEndpoint());
    assertEquals(List.of("https://0.0.0.0:2379", "https://[::]:2379"), m.listenClientUrls());
  }

  @Test
  void a_wildcard_advertise_url_falls_back_to_the_annotation() throws IOException {
    EtcdManifest m = read(wildcardPod("    - --advertise-client-urls=https://0.0.0.0:2379\n",
        "https://10.0.0.11:2379"));
    assertEquals("https://10.0.0.11:2379", m.clientEndpoint());
  }

  @Test
  void only_a_wildcard_is_an_error_naming_it() throws IOException {
    EtcdManifest m = read(wildcardPod("    - --advertise-client-urls=https://[::0:0]:2379\n",
        "https://0.0.0.0:2379"));
    ManifestException e = assertThrows(ManifestException.class, m::clientEndpoint);
    assertTrue(e.getMessage().contains("only the wildcard https://[::0:0]:2379,https://0.0.0.0:2379"),
        e.getMessage());
    assertEquals(Optional.empty(), m.dialableClientEndpoint());
    assertEquals("cp1", m.memberName(), "the rest of the manifest still reads");
  }

  @Test
  void image_tags_revisions_and_digests() {
    assertEquals(Optional.of("3.5.21"), version("registry.k8s.io/etcd:3.5.21-0"));
    assertEquals(Optional.of("3.6.4"), version("registry.example/etcd:3.6.4-0@sha256:" + "ab".repeat(32)));
    assertEquals(Optional.empty(), version("registry.example/etcd@sha256:" + "cd".repeat(32)));
    assertEquals(Optional.of("3.4.9"), version("registry.example:5000/google_containers/etcd:3.4.9-1"));
    assertEquals(Optional.empty(), version("registry.example/sys/etcd-build:5d1e0c7-1700000000000"));
    assertEquals(Optional.empty(), version(""));
  }

  private static Optional<String> version(String image) {
    return ManifestReader.imageTag(image).flatMap(ManifestReader::versionOf);
  }

  @Test
  void a_digest_only_image_reads_with_no_version() throws IOException {
    EtcdManifest m = read(wildcardPod("    - --advertise-client-urls=https://10.0.0.11:2379\n",
        "https://10.0.0.11:2379")
        .replace("registry.k8s.io/etcd:3.5.21-0", "registry.example/etcd@sha256:" + "ef".repeat(32)));
    assertEquals(Optional.empty(), m.imageTag());
    assertEquals(Optional.empty(), m.etcdVersion());
  }

  @Test
  void kubeadm_1_34_feature_gates_and_named_probe_ports() throws IOException {
    EtcdManifest m = read(pod("""
            command:
            - etcd
            - --advertise-client-urls=https://10.0.0.11:2379
            - --cert-file=/etc/kubernetes/pki/etcd/server.crt
            - --client-cert-auth=true
            - --data-dir=/var/lib/etcd
            - --feature-gates=InitialCorruptCheck=true
            - --initial-advertise-peer-urls=https://10.0.0.11:2380
            - --initial-cluster=cp1=https://10.0.0.11:2380
            - --key-file=/etc/kubernetes/pki/etcd/server.key
            - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.11:2379
            - --listen-metrics-urls=http://127.0.0.1:2381
            - --listen-peer-urls=https://10.0.0.11:2380
            - --name=cp1
            - --snapshot-count=10000
            - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
            - --watch-progress-notify-interval=5s
            image: registry.k8s.io/etcd:3.6.4-0
            imagePullPolicy: IfNotPresent
            livenessProbe:
              failureThreshold: 8
              httpGet:
                host: 127.0.0.1
                path: /livez
                port: probe-port
                scheme: HTTP
            ports:
            - containerPort: 2381
              name: probe-port
              protocol: TCP
            readinessProbe:
              httpGet:
                host: 127.0.0.1
                path: /readyz
                port: probe-port
                scheme: HTTP
            startupProbe:
              httpGet:
                host: 127.0.0.1
                path: /readyz
                port: probe-port
                scheme: HTTP
        """ + KUBEADM_MOUNTS, KUBEADM_VOLUMES));
    assertEquals("cp1", m.memberName());
    assertEquals("https://10.0.0.11:2379", m.clientEndpoint());
    assertEquals(List.of("https://10.0.0.11:2380"), m.peerUrls());
    assertEquals(Optional.of("/var/lib/etcd"), m.hostDataDir());
    assertKubeadmCerts(m);
    assertEquals(Optional.of("3.6.4"), m.etcdVersion());
  }

  @Test
  void a_shape_that_cannot_be_read_names_the_field() throws IOException {
    ManifestException e = assertThrows(ManifestException.class, () -> read(REMAPPED.replace(
        "--initial-advertise-peer-urls=https://10.1.2.3:2380", "--initial-advertise-peer-urls=10.1.2.3:2380")));
    assertTrue(e.getMessage().contains("--initial-advertise-peer-urls: URL '10.1.2.3:2380'"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
