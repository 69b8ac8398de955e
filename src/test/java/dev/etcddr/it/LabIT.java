package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab itself: real namespaces, sshd, etcd, kubelet stand-ins, and Ansible over SSH with host keys checked. */
class LabIT {
  private static final String NET = "127.0.4";

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void up_serves_ansible_and_static_pods_then_down_leaves_nothing() throws Exception {
    Lab lab = new Lab(work.resolve("lab"), NET);
    try (lab) {
      Proc.Result up = lab.up("--etcd", "3.5");
      assertEquals(0, up.exitCode(), up.stdout() + up.stderr());

      JsonNode status = json.readTree(lab.run("status", "--json").requireSuccess().stdout());
      assertTrue(status.get("healthy").asBoolean(), status.toString());
      assertEquals(1, status.get("cluster_ids").size(), "one cluster ID: " + status);
      Set<String> members = new HashSet<>();
      status.get("hosts").forEach(h -> members.add(h.get("etcd").get("member_id").asText()));
      assertEquals(3, members.size());
      assertEquals("3.5.16", status.get("hosts").get(0).get("etcd").get("version").asText());

      Proc.Result ping = Proc.run(List.of("ansible", "-i", lab.inventory().toString(), "kube_control_plane", "-m",
          "ansible.builtin.ping"), Map.of("ANSIBLE_HOST_KEY_CHECKING", "True", "ANSIBLE_NOCOLOR", "1"), null, 120);
      assertEquals(0, ping.exitCode(), ping.stdout() + ping.stderr());
      assertEquals(3, ping.stdout().lines().filter(l -> l.contains("SUCCESS")).count(), ping.stdout());

      // On a kubeadm-shaped host, `snapshot save` needs no flags at all.
      String jar = Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar")).toAbsolutePath().toString();
      Proc.Result save = lab.ssh("cp2", "java -jar " + jar + " snapshot save -o json");
      assertEquals(0, save.exitCode(), save.stdout() + save.stderr());
      JsonNode sidecar = json.readTree(save.stdout());
      assertEquals("cp2", sidecar.get("member_name").asText());
      assertEquals("https://" + lab.address(2) + ":2379", sidecar.get("endpoint").asText());
      assertTrue(Files.exists(lab.state().resolve("hosts/cp2/var-lib/etcd-dr/snapshots")
          .resolve(sidecar.get("file").asText())), "saved in cp2's own /var/lib");

      // Each host has its own /etc/kubernetes and hostname.
      lab.ssh("cp1", "touch /etc/kubernetes/only-on-cp1").requireSuccess();
      assertEquals("cp2", lab.ssh("cp2", "hostname").requireSuccess().stdout().trim());
      assertEquals(1, lab.ssh("cp2", "test -e /etc/kubernetes/only-on-cp1").exitCode());
      assertFalse(Files.exists(Path.of("/etc/kubernetes/only-on-cp1")), "not on the machine itself either");

      // crictl stand-in, in crictl's JSON shape.
      JsonNode ps = json.readTree(lab.ssh("cp2", "crictl ps --name kube-apiserver -o json").requireSuccess()
          .stdout());
      assertEquals("CONTAINER_RUNNING", ps.get("containers").get(0).get("state").asText());
      assertEquals("kube-apiserver", ps.get("containers").get(0).get("metadata").get("name").asText());

      // Moving the manifest out stops cp2's apiserver within 5 s; moving it back starts it.
      lab.ssh("cp2", "mkdir -p /etc/kubernetes/held && mv /etc/kubernetes/manifests/kube-apiserver.yaml"
          + " /etc/kubernetes/held/").requireSuccess();
      long start = System.nanoTime();
      while (!lab.ssh("cp2", "crictl ps --name kube-apiserver -q").stdout().isBlank()) {
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "apiserver on cp2 still running after 5 s");
        Thread.sleep(200);
      }
      assertFalse(lab.ssh("cp1", "crictl ps --name kube-apiserver -q").stdout().isBlank(), "cp1 untouched");
      lab.ssh("cp2", "mv /etc/kubernetes/held/kube-apiserver.yaml /etc/kubernetes/manifests/").requireSuccess();
      start = System.nanoTime();
      while (lab.ssh("cp2", "crictl ps --name kube-apiserver --state running -q").stdout().isBlank()) {
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "apiserver on cp2 not back after 5 s");
        Thread.sleep(200);
      }
      String log = lab.ssh("cp2", "cat /var/lib/kubelet-standin/kubelet.log").requireSuccess().stdout();
      assertTrue(log.matches("(?s).*\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z cp2 stop kube-apiserver-cp2 .*"), log);

      // `up` again is idempotent.
      Proc.Result again = lab.up("--etcd", "3.5");
      assertEquals(0, again.exitCode(), again.stderr());
      assertTrue(again.stderr().contains("already up"), again.stderr());
    }
    assertNothingLeft(lab);

    // Up after down works, here with etcd 3.4.
    try (Lab lab34 = new Lab(work.resolve("lab"), NET)) {
      Proc.Result up = lab34.up("--etcd", "3.4", "--hosts", "2");
      assertEquals(0, up.exitCode(), up.stdout() + up.stderr());
      JsonNode status = json.readTree(lab34.run("status", "--json").requireSuccess().stdout());
      assertEquals("3.4.23", status.get("hosts").get(1).get("etcd").get("version").asText());
      JsonNode seeded = json.readTree(lab34.run("seed", "--count", "30").requireSuccess().stdout());
      assertEquals(30, seeded.get("keys_written").asInt());
      status = json.readTree(lab34.run("status", "--json").requireSuccess().stdout());
      assertEquals(10, status.get("hosts").get(0).get("etcd").get("keys").get("/registry/secrets/").asInt());
    }
    assertNothingLeft(new Lab(work.resolve("lab"), NET));
  }

  private void assertNothingLeft(Lab lab) throws IOException {
    assertFalse(Files.exists(lab.state()), "state directory removed");
    String procs = Proc.run(List.of("pgrep", "-af", lab.state().toString())).stdout();
    assertEquals("", procs, "no process of the lab left");
    String addrs = Proc.run(List.of("ip", "-o", "addr", "show", "dev", "lo")).stdout();
    assertFalse(addrs.contains(" " + NET + "."), "no lab address left: " + addrs);
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(lab.state().toString()),
        "no mount left");
    for (int port : new int[] {22, 2379, 2380}) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(NET + ".1"))) {
        assertNotEquals(0, s.getLocalPort());
      }
    }
  }

  @Test
  void refuses_when_an_address_is_taken_and_starts_nothing() throws IOException {
    Lab lab = new Lab(work.resolve("busy"), "127.0.5");
    try (ServerSocket squatter = new ServerSocket(2379, 1, InetAddress.getByName("127.0.5.2"))) {
      Proc.Result r = lab.up();
      assertNotEquals(0, r.exitCode());
      assertTrue(r.stderr().contains("address(es) in use: 127.0.5.2:2379"), r.stderr());
      assertTrue(r.stderr().contains("--net"), "says what to do: " + r.stderr());
    }
    assertNothingLeft(lab, "127.0.5");
  }

  @Test
  void refuses_when_the_etcd_binary_is_missing() throws IOException {
    Lab lab = new Lab(work.resolve("nobin"), "127.0.6");
    Proc.Result r = lab.run(Map.of("LAB_ETCD_BIN", "/nonexistent/etcd"), "up", "--net", "127.0.6");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("not found at /nonexistent/etcd") && r.stderr().contains("install-deps"),
        r.stderr());
    assertNothingLeft(lab, "127.0.6");
  }

  @Test
  void refuses_to_run_as_a_normal_user() throws IOException {
    Lab lab = new Lab(work.resolve("user"), "127.0.14");
    Proc.Result r = Proc.run(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env",
        "LAB_STATE=" + lab.state(), dev.etcddr.testing.Repo.root().resolve("lab/lab").toString(), "up"));
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("must run as root"), r.stderr());
    assertNothingLeft(lab, "127.0.14");
  }

  private static void assertNothingLeft(Lab lab, String net) {
    assertFalse(Files.exists(lab.state()), "no state written");
    String addrs = Proc.run(List.of("ip", "-o", "addr", "show", "dev", "lo")).stdout();
    assertFalse(addrs.contains(" " + net + "."), "no address added: " + addrs);
    assertEquals("", Proc.run(List.of("pgrep", "-af", lab.state().toString())).stdout());
  }
}
