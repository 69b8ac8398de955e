package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.access.EtcdAccess;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.etcd.EtcdKeyWriter;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.ProtoBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot undelete} against a real etcd 3.5 (127.0.48.x): what comes back is exactly what etcdctl's
 * listings before the backup and now say was deleted, less what the plan must hold back (a leased event, a pod
 * whose ReplicaSet is gone, a Secret encrypted with a key the apiserver's config no longer has); the bytes are the
 * ones put; nothing written after the backup changes; a dry run, a bad key and a second run write nothing; and
 * the guarded put refuses what it has not seen.
 */
class UndeleteIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private EtcdCluster cluster;
  private final Map<String, byte[]> put = new TreeMap<>();

  private static byte[] object(String kind, String ns, String name, String uid, String ownerKind, String ownerUid) {
    ProtoBytes meta = new ProtoBytes().string(1, name).string(3, ns).string(5, uid);
    if (ownerUid != null) {
      meta.message(13, new ProtoBytes().string(5, "apps/v1").string(1, ownerKind).string(3, "owner-" + ownerUid)
          .string(4, ownerUid).varint(6, 1));
    }
    return ProtoBytes.kubernetesStored(kind.equals("ReplicaSet") ? "apps/v1" : "v1", kind,
        new ProtoBytes().message(1, meta));
  }

  /** etcdctl put with the value on stdin: the only way to hand it bytes no argv can carry. */
  private void put(String key, byte[] value, String... flags) throws Exception {
    Path in = Files.write(dir.resolve("value"), value);
    Path etcdPki = cluster.pki().pkiDir(cluster.member(0).name()).resolve("etcd");
    List<String> argv = new ArrayList<>(List.of(EtcdVersion.V3_5.bin("etcdctl").toString(),
        "--endpoints=" + cluster.member(0).clientUrl(), "--cacert=" + etcdPki.resolve("ca.crt"),
        "--cert=" + etcdPki.resolve("healthcheck-client.crt"), "--key=" + etcdPki.resolve("healthcheck-client.key"),
        "put", key));
    argv.addAll(List.of(flags));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(in.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("put.out").toFile());
    assertEquals(0, pb.start().waitFor(), Files.readString(dir.resolve("put.out")));
    put.put(key, value);
  }

  private void del(String key) {
    cluster.etcdctl(cluster.member(0), "del", key).requireSuccess();
  }

  private record Jar(int exit, String out, String err) {}

  private Jar jar(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("java", "-jar", LabPlays.jar()));
    argv.addAll(List.of(args));
    Path out = dir.resolve("jar.out");
    Path err = dir.resolve("jar.err");
    int exit = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
    return new Jar(exit, Files.readString(out), Files.readString(err));
  }

  private Jar undelete(Path snapshot, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("snapshot", "undelete", snapshot.toString(), "--manifest",
        cluster.member(0).manifest().toString(), "--apiserver-manifest", dir.resolve("kube-apiserver.yaml")
            .toString(), "-o", "json"));
    argv.addAll(List.of(args));
    return jar(argv.toArray(String[]::new));
  }

  /** key → [create, mod, value base64] from etcdctl get --prefix /registry/ -w json. */
  private Map<String, List<String>> live() throws Exception {
    JsonNode got = JSON.readTree(cluster.etcdctl(cluster.member(0), "get", "/registry/", "--prefix", "-w", "json")
        .requireSuccess().stdout());
    Map<String, List<String>> m = new TreeMap<>();
    for (JsonNode kv : got.path("kvs")) {
      m.put(new String(Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8),
          List.of(kv.path("create_revision").asText(), kv.path("mod_revision").asText(), kv.path("value").asText()));
    }
    return m;
  }

  private static List<String> keys(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(k -> out.add(k.path("key").asText()));
    return out;
  }

  @Test
  void brings_back_what_etcdctl_says_was_deleted_and_nothing_else() throws Exception {
    try (EtcdCluster c = EtcdCluster.start(EtcdVersion.V3_5, dir.resolve("etcd"), 1, "127.0.48")) {
      cluster = c;
      Files.writeString(dir.resolve("enc.yaml"), "apiVersion: apiserver.config.k8s.io/v1\nkind:"
          + " EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - aescbc:\n"
          + "          keys:\n            - name: key2\n              secret: dGhpcyBpcyBwYXNzd29yZA==\n");
      Files.writeString(dir.resolve("kube-apiserver.yaml"), "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
          + "  - name: kube-apiserver\n    command:\n    - kube-apiserver\n    - --encryption-provider-config="
          + dir.resolve("enc.yaml") + "\n");
      String svc = "/registry/services/specs/shop/";
      for (String n : List.of("web", "db", "cache", "queue")) {
        put(svc + n, object("Service", "shop", n, "uid-" + n, null, null));
      }
      put("/registry/configmaps/shop/settings", ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
          + "\"settings\",\"namespace\":\"shop\",\"uid\":\"uid-settings\"},\"data\":{\"a\":\"1\"}}")
          .getBytes(StandardCharsets.UTF_8));
      put("/registry/replicasets/shop/web-1", object("ReplicaSet", "shop", "web-1", "uid-rs", null, null));
      put("/registry/pods/shop/web-1-a", object("Pod", "shop", "web-1-a", "uid-pa", "ReplicaSet", "uid-rs"));
      put("/registry/pods/shop/stray", object("Pod", "shop", "stray", "uid-ps", "ReplicaSet", "uid-never"));
      put("/registry/secrets/shop/current", "k8s:enc:aescbc:v1:key2:\u0000\u0001".getBytes(StandardCharsets.ISO_8859_1));
      put("/registry/secrets/shop/rotated", "k8s:enc:aescbc:v1:key1:\u0000\u0002".getBytes(StandardCharsets.ISO_8859_1));
      String lease = c.etcdctl(c.member(0), "lease", "grant", "900").requireSuccess().stdout().split(" ")[1];
      put("/registry/events/shop/web.1", object("Event", "shop", "web.1", "uid-ev", null, null), "--lease=" + lease);
      Map<String, List<String>> before = live();
      Path snapshot = dir.resolve("etcd.db");
      c.etcdctl(c.member(0), "snapshot", "save", snapshot.toString()).requireSuccess();

      // after the backup: services, pods, the ReplicaSet, secrets, the event deleted; one name made again; new keys
      for (String k : List.of(svc + "web", svc + "db", svc + "cache", "/registry/replicasets/shop/web-1",
          "/registry/pods/shop/web-1-a", "/registry/pods/shop/stray", "/registry/secrets/shop/current",
          "/registry/secrets/shop/rotated", "/registry/events/shop/web.1", "/registry/configmaps/shop/settings")) {
        del(k);
      }
      put(svc + "cache", object("Service", "shop", "cache", "uid-cache-2", null, null));
      put(svc + "new", object("Service", "shop", "new", "uid-new", null, null));
      Map<String, List<String>> after = live();
      List<String> deleted = before.keySet().stream().filter(k -> !after.containsKey(k)).toList();
      List<String> held = List.of("/registry/events/shop/web.1", "/registry/pods/shop/stray",
          "/registry/secrets/shop/rotated");
      List<String> expected = deleted.stream().filter(k -> !held.contains(k)).toList();
      assertEquals(6, expected.size(), "the test's own story: " + expected);

      // bad input: refused, nothing written
      long revision = c.revision(c.member(0));
      Jar missing = undelete(snapshot, "--only", svc + "web", "--only", svc + "nosuch");
      assertEquals(8, missing.exit(), missing.err());
      assertTrue(missing.err().contains("holds no live key " + svc + "nosuch"), missing.err());
      Jar stray = undelete(snapshot, "--prefix", svc, "--overwrite", "/registry/configmaps/shop/settings");
      assertEquals(2, stray.exit(), stray.err());
      Jar both = undelete(snapshot, "--prefix", svc, "--only", svc + "web");
      assertEquals(2, both.exit(), both.err());
      assertEquals(revision, c.revision(c.member(0)), "nothing written by a refused call");

      // dry run: lists exactly the deleted keys that may come back, holds the rest with why, writes nothing
      Jar dry = undelete(snapshot, "--prefix", "/registry/", "--dry-run");
      assertEquals(0, dry.exit(), dry.err());
      JsonNode plan = JSON.readTree(dry.out());
      assertEquals(expected, keys(plan.path("would_write")));
      assertEquals(held, keys(plan.path("held")));
      Map<String, String> reasons = new TreeMap<>();
      plan.path("held").forEach(h -> reasons.put(h.path("key").asText(), h.path("reason").asText()));
      assertEquals(Map.of(held.get(0), "leased", held.get(1), "owner_missing", held.get(2),
          "encryption_key_missing"), reasons);
      assertEquals(List.of(), keys(plan.path("written")));
      JsonNode cache = plan.path("present").get(0);
      assertEquals(svc + "cache", cache.path("key").asText());
      assertTrue(cache.path("recreated").asBoolean(), cache.toString());
      assertEquals(revision, c.revision(c.member(0)), "a dry run writes nothing");

      // the real run: exactly those, with the bytes put, and nothing written after the backup touched
      Jar real = undelete(snapshot, "--prefix", "/registry/", "--batch", "3");
      assertEquals(0, real.exit(), real.err());
      JsonNode report = JSON.readTree(real.out());
      assertEquals(expected, keys(report.path("written")));
      assertEquals(List.of(), keys(report.path("raced")));
      Map<String, List<String>> now = live();
      for (String k : expected) {
        assertArrayEquals(put.get(k), Base64.getDecoder().decode(now.get(k).get(2)), k);
      }
      for (String k : held) {
        assertFalse(now.containsKey(k), k + " was held back");
      }
      after.forEach((k, v) -> assertEquals(v, now.get(k), k + " was written after the backup: untouched"));

      // again: nothing to write
      Jar again = undelete(snapshot, "--prefix", "/registry/");
      assertEquals(0, again.exit(), again.err());
      assertEquals(List.of(), keys(JSON.readTree(again.out()).path("would_write")));
      assertEquals(List.of(), keys(JSON.readTree(again.out()).path("written")));
      assertEquals(now, live(), "the second run wrote nothing");

      // the guard itself: a put that has not seen the key as it is is refused and says what is there
      EtcdAccess access = EtcdAccess.resolve(new dev.etcddr.access.AccessOptions(c.member(0).manifest(), List.of(),
          Optional.empty(), Optional.empty(), Optional.empty(), Duration.ofSeconds(10)), new ManifestReader(),
          Clock.systemUTC());
      try (EtcdConnector connector = EtcdConnector.start(Clock.systemUTC());
          EtcdEndpoint member = connector.open(access.endpoints().get(0), access.tls(), access.timeout())) {
        EtcdKeyWriter writer = new EtcdKeyWriter(member);
        byte[] web = (svc + "web").getBytes(StandardCharsets.UTF_8);
        long mod = Long.parseLong(now.get(svc + "web").get(1));
        List<EtcdKeyWriter.PutOutcome> outcomes = writer.put(List.of(
            new EtcdKeyWriter.GuardedPut(web, "x".getBytes(StandardCharsets.UTF_8), 0),
            new EtcdKeyWriter.GuardedPut(web, "x".getBytes(StandardCharsets.UTF_8), mod - 1)));
        assertFalse(outcomes.get(0).written() || outcomes.get(1).written(), outcomes.toString());
        assertEquals(mod, outcomes.get(0).found().modRevision());
        assertEquals(now, live(), "refused puts write nothing");
      }
    }
  }
}
