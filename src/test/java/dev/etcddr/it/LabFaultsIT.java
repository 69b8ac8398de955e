package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab as hostile as real machines: a power cut of one host, masterleases on etcd leases, /var/lib/etcd on a
 * filesystem of its own, and an IPv6 lab. One lab per test, shared by its checks, to keep the run short.
 */
class LabFaultsIT {
  private static final String NET = "127.0.25";
  private static final String NET6 = "fd00:e7cd:25";
  private static final String PKI = "/etc/kubernetes/pki";

  @TempDir
  Path work;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void power_cut_kills_the_whole_host_and_boot_brings_it_back_on_its_own_etcd_disk() throws Exception {
    Lab lab = new Lab(work.resolve("lab"), NET);
    try (lab) {
      Proc.Result up = lab.up("--etcd", "3.5", "--data-disk", "ext4");
      assertEquals(0, up.exitCode(), up.stdout() + up.stderr());

      // /var/lib/etcd is a mount point of its own ext4 filesystem: moving it is EBUSY, moving out of it EXDEV.
      String mnt = lab.ssh("cp1", "findmnt -n -o SOURCE,FSTYPE --mountpoint /var/lib/etcd").requireSuccess()
          .stdout().trim();
      assertTrue(mnt.matches("/dev/loop\\d+\\s+ext4"), mnt);
      String[] devs = lab.ssh("cp1", "stat -c %d /var/lib /var/lib/etcd").requireSuccess().stdout().split("\\s+");
      assertNotEquals(devs[0], devs[1], "/var/lib/etcd on another device than /var/lib");
      String renames = lab.ssh("cp1", "python3 -c '\nimport os\nfor a, b in [(\"/var/lib/etcd\", \"/var/lib/etcd.x\"),"
          + " (\"/var/lib/etcd/member\", \"/var/lib/member.x\")]:\n  try:\n    os.rename(a, b); print(\"renamed\", a)\n"
          + "  except OSError as e:\n    print(e.strerror)\n'").requireSuccess().stdout();
      assertEquals("Device or resource busy\nInvalid cross-device link\n", renames);

      // Every apiserver keeps its masterleases key on a lease of 15 s.
      String cp3Lease = "/registry/masterleases/" + lab.address(3);
      JsonNode kv = json.readTree(etcdctl(lab, "cp1", 1, "get " + cp3Lease + " -w json")).get("kvs").get(0);
      long lease = kv.get("lease").asLong();
      assertNotEquals(0, lease, "masterleases key on a lease: " + kv);
      JsonNode ttl = json.readTree(etcdctl(lab, "cp1", 1, "lease timetolive " + Long.toHexString(lease) + " -w json"));
      assertEquals(15, ttl.get("granted-ttl").asInt(), ttl.toString());
      assertTrue(ttl.get("ttl").asInt() > 0 && ttl.get("ttl").asInt() <= 15, ttl.toString());

      String memberBefore = json.readTree(lab.run("status", "--json").requireSuccess().stdout()).get("hosts").get(2)
          .get("etcd").get("member_id").asText();

      // The cut: every process of cp3 (its etcd among them) is gone when poweroff returns.
      List<Long> cp3Procs = hostProcesses(lab, "cp3");
      assertTrue(cp3Procs.stream().anyMatch(p -> cmdline(p).contains("--name=cp3")), "cp3's etcd found");
      assertTrue(cp3Procs.stream().anyMatch(p -> cmdline(p).startsWith("sshd")), "cp3's sshd found");
      String etcdContainer = lab.ssh("cp3", "crictl ps --name etcd -q").requireSuccess().stdout().trim();
      long leaseAsked = System.nanoTime();
      long cp3LeaseTtl = json.readTree(etcdctl(lab, "cp1", 1, "lease timetolive " + Long.toHexString(json.readTree(
          etcdctl(lab, "cp1", 1, "get " + cp3Lease + " -w json")).get("kvs").get(0).get("lease").asLong()) + " -w json"))
          .get("ttl").asLong();
      Proc.Result off = lab.run("poweroff", "cp3");
      assertEquals(0, off.exitCode(), off.stderr());
      long cut = System.nanoTime();
      for (long pid : cp3Procs) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
      }

      // Nothing graceful happened: the kubelet's state still names the running pods, and no file changes after.
      Path cp3 = lab.state().resolve("hosts/cp3");
      String kubeletState = Files.readString(cp3.resolve("var-lib/kubelet-standin/state.json"));
      assertTrue(kubeletState.contains("CONTAINER_RUNNING"), "no graceful stop wrote the state: " + kubeletState);
      Map<String, String> filesAfterCut = hashes(cp3.resolve("etc-kubernetes"), cp3.resolve("var-lib"),
          cp3.resolve("etcd-disk"));

      // cp3's masterleases key is not removed (a graceful stop would delete it at once): it expires with its lease,
      // at least the TTL it had left just before the cut (a renewal in between only makes that later).
      while (!etcdctl(lab, "cp1", 1, "get " + cp3Lease + " --keys-only").isBlank()) {
        assertTrue(System.nanoTime() - cut < 20_000_000_000L, cp3Lease + " not expired 20 s after the cut");
        Thread.sleep(500);
      }
      long goneAfter = (System.nanoTime() - leaseAsked) / 1_000_000_000L;
      assertTrue(goneAfter >= cp3LeaseTtl - 2, cp3Lease + " gone " + goneAfter + " s after its lease had "
          + cp3LeaseTtl + " s left: removed, not expired");
      assertFalse(etcdctl(lab, "cp1", 1, "get /registry/masterleases/" + lab.address(1) + " --keys-only").isBlank(),
          "cp1's key renewed all along");

      assertEquals(255, lab.ssh("cp3", "true").exitCode(), "ssh to a powered-off host fails");
      assertThrows(ConnectException.class, () -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(lab.address(3), 22), 2000);
        }
      });

      // cp1 and cp2 keep quorum: a write succeeds.
      etcdctl(lab, "cp1", 1, "put /registry/lab/during-outage yes");
      Proc.Result status = lab.run("status", "--json");
      assertEquals(1, status.exitCode(), "not healthy while a member is off");
      JsonNode hosts = json.readTree(status.stdout()).get("hosts");
      assertEquals("off", hosts.get(2).get("power").asText(), hosts.toString());
      assertEquals("on", hosts.get(0).get("power").asText(), hosts.toString());
      assertTrue(hosts.get(2).get("standins").isEmpty(), "no stand-ins on an off host: " + hosts);
      assertTrue(lab.run("status").stdout().contains("POWERED OFF"));
      assertEquals(filesAfterCut, hashes(cp3.resolve("etc-kubernetes"), cp3.resolve("var-lib"),
          cp3.resolve("etcd-disk")), "nothing of cp3 changed while it was off");

      // Boot: sshd and the pods come back, no container from before the cut is listed, etcd rejoins as itself.
      Proc.Result boot = lab.run("boot", "cp3");
      assertEquals(0, boot.exitCode(), boot.stderr());
      assertFalse(lab.ssh("cp3", "crictl ps -a -q").requireSuccess().stdout().contains(etcdContainer),
          "crictl lists no container from before the cut");
      // Even the kubelet state the cut left (the kubelet has rewritten its own by now) lists nothing on this boot.
      Path stale = cp3.resolve("var-lib/stale-kubelet");
      Files.createDirectories(stale);
      Files.writeString(stale.resolve("state.json"), kubeletState);
      assertEquals("", lab.ssh("cp3", "LAB_KUBELET_DIR=/var/lib/stale-kubelet crictl ps -a -q").requireSuccess()
          .stdout(), "state from the boot before the cut is ignored");
      assertEquals("/dev/loop", lab.ssh("cp3", "findmnt -n -o SOURCE --mountpoint /var/lib/etcd").requireSuccess()
          .stdout().trim().replaceAll("\\d+$", ""), "the etcd disk is back on /var/lib/etcd");
      long start = System.nanoTime();
      JsonNode healthy;
      while (!(healthy = json.readTree(lab.run("status", "--json").stdout())).get("healthy").asBoolean()) {
        assertTrue(System.nanoTime() - start < 60_000_000_000L, "cp3 not back within 60 s: " + healthy);
        Thread.sleep(1000);
      }
      assertEquals(1, healthy.get("cluster_ids").size(), healthy.toString());
      assertEquals(memberBefore, healthy.get("hosts").get(2).get("etcd").get("member_id").asText());
      assertEquals("yes\n", etcdctl(lab, "cp3", 3, "get /registry/lab/during-outage --print-value-only"
          + " --consistency=s"), "cp3 caught up on what was written while it was off");
      start = System.nanoTime();
      while (etcdctl(lab, "cp1", 1, "get " + cp3Lease + " --keys-only").isBlank()) {
        assertTrue(System.nanoTime() - start < 15_000_000_000L, "cp3's apiserver did not write its masterlease");
        Thread.sleep(500);
      }

      // down works with a host powered off.
      lab.run("poweroff", "cp2").requireSuccess();
    }
    assertNothingLeft(lab, NET + ".");
  }

  @Test
  void ipv6_lab_serves_etcd_sshd_and_readyz_on_bracketed_addresses() throws Exception {
    Lab lab = new Lab(work.resolve("lab6"), NET6);
    try (lab) {
      Proc.Result up = lab.up("--etcd", "3.4");
      assertEquals(0, up.exitCode(), up.stdout() + up.stderr());

      String inventory = Files.readString(lab.inventory());
      assertTrue(inventory.contains("cp2 ansible_host=" + lab.address(2) + "\n"), inventory);
      assertTrue(Files.readString(lab.state().resolve("ssh/known_hosts")).startsWith(lab.address(1) + " ssh-ed25519 "),
          "known_hosts names the bare literal for port 22");
      String etcdYaml = lab.ssh("cp2", "cat /etc/kubernetes/manifests/etcd.yaml").requireSuccess().stdout();
      assertTrue(etcdYaml.contains("etcd.advertise-client-urls: https://" + lab.urlHost(2) + ":2379\n"), etcdYaml);
      assertTrue(etcdYaml.contains("- --initial-cluster=cp1=https://" + lab.urlHost(1) + ":2380,"), etcdYaml);
      String apiYaml = lab.ssh("cp2", "cat /etc/kubernetes/manifests/kube-apiserver.yaml").requireSuccess().stdout();
      assertTrue(apiYaml.contains("- --advertise-address=" + lab.address(2) + "\n"), apiYaml);

      String endpoints = String.join(",", List.of(1, 2, 3).stream().map(i -> "https://" + lab.urlHost(i) + ":2379")
          .toList());
      Proc.Result health = lab.ssh("cp2", "etcdctl --endpoints=" + endpoints + " --cacert " + PKI + "/etcd/ca.crt"
          + " --cert " + PKI + "/etcd/healthcheck-client.crt --key " + PKI + "/etcd/healthcheck-client.key"
          + " endpoint health");
      assertEquals(0, health.exitCode(), health.stdout() + health.stderr());
      // etcdctl writes endpoint health to stderr.
      assertEquals(3, health.stderr().lines().filter(l -> l.contains(" is healthy")).count(), health.stderr());
      Proc.Result readyz = lab.ssh("cp1", "curl -sS --cacert " + PKI + "/ca.crt https://" + lab.urlHost(2)
          + ":6443/readyz");
      assertEquals("ok\n", readyz.stdout(), readyz.stderr());

      Proc.Result ping = Proc.run(List.of("ansible", "-i", lab.inventory().toString(), "kube_control_plane", "-m",
          "ansible.builtin.ping"), Map.of("ANSIBLE_HOST_KEY_CHECKING", "True", "ANSIBLE_NOCOLOR", "1"), null, 120);
      assertEquals(3, ping.stdout().lines().filter(l -> l.contains("SUCCESS")).count(), ping.stdout() + ping.stderr());

      JsonNode seeded = json.readTree(lab.run("seed", "--count", "30").requireSuccess().stdout());
      assertEquals(30, seeded.get("keys_written").asInt());
      JsonNode status = json.readTree(lab.run("status", "--json").requireSuccess().stdout());
      assertEquals(1, status.get("cluster_ids").size(), status.toString());
      assertEquals(10, status.get("hosts").get(2).get("etcd").get("keys").get("/registry/secrets/").asInt());
      assertFalse(etcdctl(lab, "cp1", 1, "get /registry/masterleases/" + lab.address(3) + " --keys-only").isBlank(),
          "masterleases key named by the bare IPv6 address");
    }
    assertNothingLeft(lab, NET6 + "::");
  }

  /** etcdctl on HOST against host N's etcd, with the apiserver's client certificate. */
  private static String etcdctl(Lab lab, String host, int n, String args) {
    return lab.ssh(host, "etcdctl --endpoints=https://" + lab.urlHost(n) + ":2379 --cacert " + PKI + "/etcd/ca.crt"
        + " --cert " + PKI + "/apiserver-etcd-client.crt --key " + PKI + "/apiserver-etcd-client.key " + args)
        .requireSuccess().stdout();
  }

  /** Machine PIDs of every process in the host's PID namespace (found from its init, as lab/lab does). */
  private static List<Long> hostProcesses(Lab lab, String host) throws IOException {
    String unshare = Files.readString(lab.state().resolve("hosts/" + host + "/unshare.pid")).trim();
    String init = Files.readString(Path.of("/proc", unshare, "task", unshare, "children")).trim().split(" ")[0];
    Path ns = Files.readSymbolicLink(Path.of("/proc", init, "ns/pid"));
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (Files.readSymbolicLink(p.resolve("ns/pid")).equals(ns)) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    assertTrue(pids.size() >= 5, host + ": init, sshd, kubelet and pods expected, got " + pids);
    return pids;
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private static Map<String, String> hashes(Path... roots) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (Path root : roots) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          out.put(f.toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
              .digest(Files.readAllBytes(f))));
        }
      }
    }
    return out;
  }

  private static void assertNothingLeft(Lab lab, String addressPrefix) throws IOException {
    assertFalse(Files.exists(lab.state()), "state directory removed");
    assertEquals("", Proc.run(List.of("pgrep", "-af", lab.state().toString())).stdout(), "no process left");
    String addrs = Proc.run(List.of("ip", "-o", "addr", "show", "dev", "lo")).stdout();
    assertFalse(addrs.contains(" " + addressPrefix), "no lab address left: " + addrs);
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(lab.state().toString()), "no mount left");
    String loops = Proc.run(List.of("losetup", "-a")).stdout();
    assertFalse(loops.contains(lab.state().toString()), "no loop device left: " + loops);
  }
}
