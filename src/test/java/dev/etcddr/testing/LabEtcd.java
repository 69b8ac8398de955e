package dev.etcddr.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** etcdctl 3.5 against a lab's members, with the apiserver's etcd client certificate of cp1. */
public final class LabEtcd {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Lab lab;
  private final int hosts;

  public LabEtcd(Lab lab, int hosts) {
    this.lab = lab;
    this.hosts = hosts;
  }

  public String endpoints() {
    List<String> urls = new ArrayList<>();
    for (int i = 1; i <= hosts; i++) {
      urls.add("https://" + lab.urlHost(i) + ":2379");
    }
    return String.join(",", urls);
  }

  public Proc.Result etcdctlAt(String endpoints, String... args) {
    String pki = lab.state().resolve("hosts/cp1/etc-kubernetes/pki").toString();
    List<String> argv = new ArrayList<>(List.of(EtcdVersion.V3_5.bin("etcdctl").toString(),
        "--endpoints", endpoints, "--cacert", pki + "/etcd/ca.crt", "--cert", pki + "/apiserver-etcd-client.crt",
        "--key", pki + "/apiserver-etcd-client.key", "--command-timeout", "10s"));
    argv.addAll(List.of(args));
    return Proc.run(argv, Map.of("ETCDCTL_API", "3"), null, 60);
  }

  public Proc.Result etcdctl(String... args) {
    return etcdctlAt(endpoints(), args);
  }

  /** Every key and value under the prefix, as strings. */
  public Map<String, String> keys(String prefix) throws Exception {
    JsonNode out = JSON.readTree(etcdctl("get", prefix, "--prefix", "-w", "json").requireSuccess().stdout());
    Map<String, String> keys = new TreeMap<>();
    for (JsonNode kv : out.path("kvs")) {
      keys.put(decode(kv.get("key").asText()), decode(kv.path("value").asText("")));
    }
    return keys;
  }

  /** endpoint status of every member: cluster id, member id, revision, leader. */
  public List<JsonNode> status() throws Exception {
    JsonNode out = JSON.readTree(etcdctl("endpoint", "status", "-w", "json").requireSuccess().stdout());
    List<JsonNode> list = new ArrayList<>();
    out.forEach(list::add);
    return list;
  }

  /** IDs (16 hex digits, as etcdctl prints them) of the learner members. */
  public List<String> learnerIds() throws Exception {
    JsonNode out = JSON.readTree(etcdctl("member", "list", "-w", "json").requireSuccess().stdout());
    List<String> ids = new ArrayList<>();
    out.path("members").forEach(m -> {
      if (m.path("isLearner").asBoolean()) {
        ids.add(String.format("%016x", m.path("ID").asLong()));
      }
    });
    return ids;
  }

  public List<String> memberNames() throws Exception {
    JsonNode out = JSON.readTree(etcdctl("member", "list", "-w", "json").requireSuccess().stdout());
    List<String> names = new ArrayList<>();
    out.path("members").forEach(m -> names.add(m.path("name").asText()));
    return names.stream().sorted().toList();
  }

  /** The revision the key got when put. */
  public long put(String key, String value) throws Exception {
    etcdctl("put", key, value).requireSuccess();
    JsonNode out = JSON.readTree(etcdctl("get", key, "-w", "json").requireSuccess().stdout());
    return out.path("kvs").get(0).path("mod_revision").asLong();
  }

  private static String decode(String b64) {
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}
