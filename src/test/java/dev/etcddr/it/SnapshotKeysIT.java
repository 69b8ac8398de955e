package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.etcddr.testing.EtcdCluster;
import dev.etcddr.testing.EtcdVersion;
import dev.etcddr.testing.LabPlays;
import dev.etcddr.testing.ProtoBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code snapshot ls} and {@code snapshot get} on a snapshot etcdctl saved from a real etcd 3.5, written through
 * etcdctl with values encoded here (protobuf as the apiserver stores it, JSON, an encrypted prefix): the keys and
 * revisions must be what {@code etcdctl get --prefix} answered just before the save, the bytes what was put; and
 * {@code snapshot diff} against the cluster changed since must say what comparing etcdctl's answers before and after
 * says.
 */
class SnapshotKeysIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private EtcdCluster cluster;

  private static byte[] service(String name, String uid) {
    ProtoBytes meta = new ProtoBytes().string(1, name).string(3, "shop").string(5, uid)
        .message(8, new ProtoBytes().varint(1, 1_780_000_000L));
    return ProtoBytes.kubernetesStored("v1", "Service", new ProtoBytes().message(1, meta)
        .message(2, new ProtoBytes().string(1, "ClusterIP")));
  }

  /** etcdctl put with the value on stdin: the only way to hand it bytes no argv can carry. */
  private void put(String key, byte[] value) throws Exception {
    Path in = Files.write(dir.resolve("value-" + System.nanoTime()), value);
    Path etcdPki = cluster.pki().pkiDir(cluster.member(0).name()).resolve("etcd");
    ProcessBuilder pb = new ProcessBuilder(EtcdVersion.V3_5.bin("etcdctl").toString(),
        "--endpoints=" + cluster.member(0).clientUrl(), "--cacert=" + etcdPki.resolve("ca.crt"),
        "--cert=" + etcdPki.resolve("healthcheck-client.crt"), "--key=" + etcdPki.resolve("healthcheck-client.key"),
        "put", key).redirectInput(in.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("put.out")
        .toFile());
    pb.environment().put("ETCDCTL_API", "3");
    assertEquals(0, pb.start().waitFor(), Files.readString(dir.resolve("put.out")));
  }

  private Process jar(Path out, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("java", "-jar", LabPlays.jar()));
    argv.addAll(List.of(args));
    return new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(dir.resolve("jar.err").toFile())
        .start();
  }

  @Test
  void lists_what_etcdctl_got_and_gives_back_the_exact_bytes() throws Exception {
    try (EtcdCluster c = EtcdCluster.start(EtcdVersion.V3_5, dir.resolve("etcd"), 1, "127.0.47")) {
      cluster = c;
      byte[] web = service("web", "uid-web");
      put("/registry/services/specs/shop/web", service("web", "uid-old"));
      put("/registry/services/specs/shop/web", web);
      put("/registry/services/specs/shop/db", service("db", "uid-db"));
      put("/registry/stable.example.com/crontabs/ops/nightly", ("{\"apiVersion\":\"stable.example.com/v1\",\"kind\":"
          + "\"CronTab\",\"metadata\":{\"name\":\"nightly\",\"namespace\":\"ops\",\"uid\":\"uid-cr\"}}")
          .getBytes(StandardCharsets.UTF_8));
      put("/registry/secrets/shop/token", "k8s:enc:aescbc:v1:key1:\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
      assertEquals(0, c.etcdctl(c.member(0), "del", "/registry/services/specs/shop/db").exitCode());

      JsonNode reference = JSON.readTree(c.etcdctl(c.member(0), "get", "/registry/", "--prefix", "-w", "json")
          .requireSuccess().stdout());
      Path snapshot = dir.resolve("etcd.db");
      c.etcdctl(c.member(0), "snapshot", "save", snapshot.toString()).requireSuccess();

      Map<String, String> expected = new TreeMap<>();
      for (JsonNode kv : reference.path("kvs")) {
        expected.put(new String(Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8),
            kv.path("create_revision").asLong() + "/" + kv.path("mod_revision").asLong() + "/"
                + kv.path("version").asLong());
      }
      Path out = dir.resolve("ls.json");
      assertEquals(0, jar(out, "snapshot", "ls", snapshot.toString(), "--prefix", "/registry/", "-o", "json")
          .waitFor(), Files.readString(dir.resolve("jar.err")));
      JsonNode ls = JSON.readTree(out.toFile());
      Map<String, String> listed = new TreeMap<>();
      Map<String, JsonNode> byKey = new TreeMap<>();
      for (JsonNode k : ls.path("keys")) {
        listed.put(k.path("key").asText(), k.path("create_revision").asLong() + "/" + k.path("mod_revision").asLong()
            + "/" + k.path("version").asLong());
        byKey.put(k.path("key").asText(), k);
      }
      assertEquals(expected, listed);
      assertEquals(reference.path("header").path("revision").asLong(), ls.path("revision").asLong());
      JsonNode w = byKey.get("/registry/services/specs/shop/web");
      assertEquals(List.of("protobuf", "Service", "shop", "web", "uid-web", "2026-05-28T20:26:40Z"),
          List.of(w.path("encoding").asText(), w.path("kind").asText(), w.path("namespace").asText(),
              w.path("name").asText(), w.path("uid").asText(), w.path("creation_timestamp").asText()));
      assertEquals("CronTab", byKey.get("/registry/stable.example.com/crontabs/ops/nightly").path("kind").asText());
      JsonNode secret = byKey.get("/registry/secrets/shop/token");
      assertEquals(List.of("encrypted", "aescbc", "key1"), List.of(secret.path("encoding").asText(),
          secret.path("encryption_provider").asText(), secret.path("encryption_key").asText()));

      Path raw = dir.resolve("web.pb");
      assertEquals(0, jar(raw, "snapshot", "get", snapshot.toString(), "/registry/services/specs/shop/web").waitFor());
      assertArrayEquals(web, Files.readAllBytes(raw), "the exact bytes put");
      Path gone = dir.resolve("db.pb");
      assertEquals(8, jar(gone, "snapshot", "get", snapshot.toString(), "/registry/services/specs/shop/db").waitFor());
      String err = Files.readString(dir.resolve("jar.err"));
      assertTrue(err.contains("holds no key /registry/services/specs/shop/db"), err);
      assertEquals(0, Files.size(gone));

      // after the backup: web deleted, one service created, the CronTab rewritten, the Secret deleted and recreated
      assertEquals(0, c.etcdctl(c.member(0), "del", "/registry/services/specs/shop/web").exitCode());
      put("/registry/services/specs/shop/new", service("new", "uid-new"));
      put("/registry/stable.example.com/crontabs/ops/nightly", "{\"kind\":\"CronTab\",\"metadata\":{}}"
          .getBytes(StandardCharsets.UTF_8));
      assertEquals(0, c.etcdctl(c.member(0), "del", "/registry/secrets/shop/token").exitCode());
      put("/registry/secrets/shop/token", "k8s:enc:aescbc:v1:key2:x".getBytes(StandardCharsets.US_ASCII));
      JsonNode after = JSON.readTree(c.etcdctl(c.member(0), "get", "/registry/", "--prefix", "-w", "json")
          .requireSuccess().stdout());
      Map<String, long[]> before = revisions(reference);
      Map<String, long[]> now = revisions(after);
      List<String> expectGone = before.keySet().stream().filter(k -> !now.containsKey(k)).toList();
      List<String> expectNew = now.keySet().stream().filter(k -> !before.containsKey(k)).toList();
      List<String> expectChanged = before.keySet().stream().filter(now::containsKey)
          .filter(k -> before.get(k)[1] != now.get(k)[1])
          .map(k -> k + (before.get(k)[0] != now.get(k)[0] ? " recreated" : "")).toList();
      assertEquals(List.of("/registry/services/specs/shop/web"), expectGone, "the test's own story");

      Path diff = dir.resolve("diff.json");
      assertEquals(0, jar(diff, "snapshot", "diff", snapshot.toString(), "--prefix", "/registry/", "--manifest",
          c.member(0).manifest().toString(), "-o", "json").waitFor(), Files.readString(dir.resolve("jar.err")));
      JsonNode d = JSON.readTree(diff.toFile());
      assertEquals(expectGone, keys(d.path("only_in_snapshot")));
      assertEquals(expectNew, keys(d.path("only_live")));
      List<String> changed = new ArrayList<>();
      d.path("changed").forEach(x -> changed.add(x.path("key").asText() + (x.path("recreated").asBoolean()
          ? " recreated" : "")));
      assertEquals(expectChanged, changed);
      assertEquals(before.size() - expectGone.size() - expectChanged.size(), d.path("unchanged").asLong());
      assertEquals(after.path("header").path("revision").asLong(), d.path("live_revision").asLong());
      assertEquals("Service", d.path("only_in_snapshot").get(0).path("kind").asText());
    }
  }

  /** key → {create_revision, mod_revision}, from etcdctl get -w json, in key order. */
  private static Map<String, long[]> revisions(JsonNode etcdctlGet) {
    Map<String, long[]> m = new TreeMap<>();
    for (JsonNode kv : etcdctlGet.path("kvs")) {
      m.put(new String(Base64.getDecoder().decode(kv.path("key").asText()), StandardCharsets.UTF_8),
          new long[] {kv.path("create_revision").asLong(), kv.path("mod_revision").asLong()});
    }
    return m;
  }

  private static List<String> keys(JsonNode array) {
    List<String> keys = new ArrayList<>();
    array.forEach(k -> keys.add(k.path("key").asText()));
    return keys;
  }
}
