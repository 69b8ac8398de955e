package dev.etcddr.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-apiserver's address and port, from manifests shaped as kubeadm writes them (and a few that are not). */
class ApiserverManifestTest {
  @TempDir
  Path dir;

  private Path manifest(String commandLines) throws Exception {
    Path p = dir.resolve("kube-apiserver.yaml");
    Files.writeString(p, """
        apiVersion: v1
        kind: Pod
        metadata:
          name: kube-apiserver
          namespace: kube-system
        spec:
          containers:
          - name: kube-apiserver
            image: registry.k8s.io/kube-apiserver:v1.34.1
            command:
        """ + commandLines.indent(4));
    return p;
  }

  @Test
  void kubeadm_flags_give_the_readyz_url() throws Exception {
    Path p = manifest("- kube-apiserver\n- --advertise-address=10.0.0.11\n- --secure-port=6443\n"
        + "- --etcd-servers=https://127.0.0.1:2379\n");
    ApiserverManifest m = new ManifestReader().readApiserver(p);
    assertEquals("https://10.0.0.11:6443/readyz", m.readyUrl("192.0.2.1", 443));
  }

  @Test
  void ipv6_is_bracketed_and_the_last_repeat_wins_in_either_form() throws Exception {
    Path p = manifest("- kube-apiserver\n- --secure-port=6443\n- --advertise-address\n- fd00::11\n- --secure-port\n- '8443'\n");
    assertEquals("https://[fd00::11]:8443/readyz", new ManifestReader().readApiserver(p).readyUrl("x", 1));
  }

  @Test
  void absent_flags_fall_back_to_the_host_and_default_port() throws Exception {
    Path p = manifest("- kube-apiserver\n");
    assertEquals("https://[fd00::3]:6443/readyz", new ManifestReader().readApiserver(p).readyUrl("fd00::3", 6443));
  }

  @Test
  void a_hostile_address_or_port_is_refused_naming_the_file() throws Exception {
    Path bad = manifest("- kube-apiserver\n- --advertise-address=1.2.3.4/readyz?x=$(touch /tmp/p)\n");
    ManifestException e = assertThrows(ManifestException.class, () -> new ManifestReader().readApiserver(bad));
    assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("--advertise-address"),
        e.getMessage());
    Path port = manifest("- kube-apiserver\n- --secure-port=70000\n");
    assertTrue(assertThrows(ManifestException.class, () -> new ManifestReader().readApiserver(port)).getMessage()
        .contains("--secure-port '70000'"));
  }

  @Test
  void a_manifest_without_the_container_is_refused() throws Exception {
    Path p = dir.resolve("etcd.yaml");
    Files.writeString(p, "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: [etcd]\n");
    assertTrue(assertThrows(ManifestException.class, () -> new ManifestReader().readApiserver(p)).getMessage()
        .contains("no container named kube-apiserver"));
  }
}
