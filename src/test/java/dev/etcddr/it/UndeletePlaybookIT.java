package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.Lab;
import dev.etcddr.testing.LabEtcd;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.Proc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ansible-playbook playbooks/undelete.yml` on the lab (127.0.49.x) after backup.yml, as issue 18 tells the story:
 * several services and a namespace's configmaps deleted, new objects made, one deleted name made again, a pod
 * whose owner is gone. `--check` lists exactly the deleted keys not made again (the orphan held back, with why);
 * the real run brings back exactly those with the bytes they had at the snapshot's revision (etcdctl get --rev),
 * touches nothing written after the backup, never restarts an apiserver; a second run writes nothing. Before the
 * first backup, check mode needs no jar for backup.yml and names the missing jar for undelete.yml.
 */
class UndeletePlaybookIT {
  private static final String NET = "127.0.49";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTED = Pattern.compile("\"  (/registry/[^ \"]+)");

  @TempDir
  Path work;

  /** key → [lease, value base64], from etcdctl get --prefix /registry/ (at a revision, when given). */
  private static Map<String, List<String>> keys(LabEtcd etcd, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("get", "/registry/", "--prefix", "-w", "json"));
    args.addAll(List.of(extra));
    JsonNode got = JSON.readTree(etcd.etcdctl(args.toArray(String[]::new)).requireSuccess().stdout());
    Map<String, List<String>> m = new TreeMap<>();
    for (JsonNode kv : got.path("kvs")) {
      String key = new String(Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8);
      if (LabPlays.STAND_IN_PREFIXES.stream().noneMatch(key::startsWith)) {
        m.put(key, List.of(kv.path("lease").asText("0"), kv.path("value").asText()));
      }
    }
    return m;
  }

  /** The keys a plan lists under its first line, up to "held back". */
  private static List<String> listed(String stdout, String first) {
    int from = stdout.indexOf(first);
    assertTrue(from >= 0, stdout);
    int to = stdout.indexOf("\"held back", from);
    List<String> out = new ArrayList<>();
    Matcher m = LISTED.matcher(stdout.substring(from, to));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static JsonNode newestReport(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> reports = s.sorted().toList();
      return JSON.readTree(reports.get(reports.size() - 1).toFile());
    }
  }

  @Test
  void brings_back_only_what_was_deleted_while_the_apiservers_keep_running() throws Exception {
    Lab lab = new Lab(work.resolve("lab"), NET);
    LabPlays plays = new LabPlays(lab, work.resolve("controller-store"));
    LabEtcd etcd = new LabEtcd(lab, 3);
    try (Lab l = lab) {
      assertEquals(0, lab.up("--etcd", "3.5").exitCode());
      lab.run("seed", "--count", "120").requireSuccess();
      String orphan = "/registry/pods/web/orphan-1";
      etcd.etcdctl("put", orphan, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"orphan-1\","
          + "\"namespace\":\"web\",\"uid\":\"uid-orphan\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":"
          + "\"ReplicaSet\",\"name\":\"gone\",\"uid\":\"uid-rs-gone\",\"controller\":true}]}}").requireSuccess();
      // a fresh cluster: backup.yml --check needs no jar; a plan that runs the jar says how to get one
      Proc.Result firstCheck = plays.play("playbooks/backup.yml", "--check", "-e",
          "etcd_dr_install_dir=/var/lib/etcd-dr/jar");
      assertEquals(0, firstCheck.exitCode(), firstCheck.stdout() + firstCheck.stderr());
      Proc.Result noJar = plays.play("playbooks/undelete.yml", "--check", "-e", "etcd_dr_undelete_prefix=/registry/",
          "-e", "etcd_dr_install_dir=/var/lib/etcd-dr/jar");
      assertEquals(2, noJar.exitCode(), noJar.stdout() + noJar.stderr());
      assertTrue(noJar.stdout().contains("/var/lib/etcd-dr/jar/etcd-dr.jar is not on cp1: check mode installs"
          + " nothing"), noJar.stdout());
      Proc.Result backup = plays.play("playbooks/backup.yml", LabPlays.OWN_JAR.toArray(String[]::new));
      assertEquals(0, backup.exitCode(), backup.stdout() + backup.stderr());
      Path snapshot = plays.newestSnapshot();
      long revision = JSON.readTree(snapshot.resolveSibling(snapshot.getFileName() + ".json").toFile())
          .path("revision").asLong();
      Map<String, List<String>> atBackup = keys(etcd, "--rev", Long.toString(revision));

      // after the backup: several services and a namespace's configmaps deleted, one of the names made again
      List<String> services = atBackup.keySet().stream().filter(k -> k.startsWith("/registry/services/specs/"))
          .limit(4).toList();
      List<String> configmaps = atBackup.keySet().stream().filter(k -> k.startsWith("/registry/configmaps/payments/"))
          .toList();
      assertTrue(services.size() == 4 && configmaps.size() >= 3, services + " " + configmaps);
      for (String k : services) {
        etcd.etcdctl("del", k).requireSuccess();
      }
      etcd.etcdctl("del", "/registry/configmaps/payments/", "--prefix").requireSuccess();
      etcd.etcdctl("del", orphan).requireSuccess();
      etcd.etcdctl("put", services.get(0), "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":"
          + "\"new-owner-of-the-name\",\"uid\":\"uid-new\"}}").requireSuccess();
      etcd.etcdctl("put", "/registry/configmaps/payments/made-after", "{\"kind\":\"ConfigMap\"}").requireSuccess();
      Map<String, List<String>> beforeUndelete = keys(etcd);
      List<String> expected = atBackup.keySet().stream().filter(k -> !beforeUndelete.containsKey(k))
          .filter(k -> atBackup.get(k).get(0).equals("0")).filter(k -> !k.equals(orphan)).toList();
      assertEquals(3 + configmaps.size(), expected.size(), "the test's own story: " + expected);
      Map<String, Long> apiservers = lab.containerPids(List.of("cp1", "cp2", "cp3"), "kube-apiserver");
      assertEquals(3, apiservers.size(), apiservers.toString());
      Path reports = plays.clusterStore().resolve("undeletes");

      // --check: exactly the deleted keys not made again; the orphan held back with why; nothing written
      Proc.Result check = plays.play("playbooks/undelete.yml", "--check", "-e", "etcd_dr_undelete_prefix=/registry/",
          "-e", "etcd_dr_install_dir=/var/lib/etcd-dr/jar");
      assertEquals(0, check.exitCode(), check.stdout() + check.stderr());
      assertEquals(expected, listed(check.stdout(), "would bring back " + expected.size() + " key(s)"));
      assertTrue(check.stdout().contains(orphan + "  owner_missing: owner ReplicaSet/gone (uid uid-rs-gone) is not"
          + " in the snapshot"), check.stdout());
      assertEquals(beforeUndelete, keys(etcd), "check mode writes nothing");
      assertFalse(Files.exists(reports), "no report in check mode");

      // the real run: those keys with their bytes at the backup's revision, everything else as it was
      Proc.Result real = plays.play("playbooks/undelete.yml", "-e", "etcd_dr_undelete_prefix=/registry/",
          "-e", "etcd_dr_install_dir=/var/lib/etcd-dr/jar");
      assertEquals(0, real.exitCode(), real.stdout() + real.stderr());
      JsonNode report = newestReport(reports);
      List<String> written = new ArrayList<>();
      report.path("written").forEach(w -> written.add(w.path("key").asText()));
      assertEquals(expected, written);
      Map<String, List<String>> now = keys(etcd);
      for (String k : expected) {
        assertEquals(atBackup.get(k), now.get(k), k + " came back with the bytes it had");
      }
      beforeUndelete.forEach((k, v) -> assertEquals(v, now.get(k), k + " was written after the backup: untouched"));
      assertEquals(beforeUndelete.size() + expected.size(), now.size(), "nothing else appeared");
      assertFalse(now.containsKey(orphan), "the orphan was held back");
      assertEquals(apiservers, lab.containerPids(List.of("cp1", "cp2", "cp3"), "kube-apiserver"),
          "no apiserver was stopped or restarted");
      for (int h = 1; h <= 3; h++) {
        assertEquals("ok", plays.readyz(h), "apiserver " + h + " ready");
      }
      assertFalse(Files.exists(lab.hostPath("cp1", "var-lib/etcd-dr/undelete")), "the copy is removed from cp1");

      // again: nothing to write, nothing written
      Proc.Result again = plays.play("playbooks/undelete.yml", "-e", "etcd_dr_undelete_prefix=/registry/",
          "-e", "etcd_dr_install_dir=/var/lib/etcd-dr/jar");
      assertEquals(0, again.exitCode(), again.stdout() + again.stderr());
      assertTrue(again.stdout().contains("written 0 of 0"), again.stdout());
      assertEquals(now, keys(etcd), "the second run wrote nothing");
    }
  }
}
