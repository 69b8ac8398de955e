package dev.etcddr.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives lab/lab for tests, with its own state directory and addresses so a developer's own lab is left alone.
 * A net with a colon is an IPv6 prefix (lab up --net6): host N is then PREFIX::N.
 */
public final class Lab implements AutoCloseable {
  private final Path state;
  private final String net;

  public Lab(Path state, String net) {
    this.state = state;
    this.net = net;
  }

  public Path state() {
    return state;
  }

  /** A path in one host's view: {@code relative} as the lab lays it out, e.g. {@code var-lib/etcd/member}. */
  public Path hostPath(String host, String relative) {
    return state.resolve("hosts/" + host + "/" + relative);
  }

  /** The PID (in the host's own PID namespace) of each host's container, from its kubelet stand-in's state. */
  public Map<String, Long> containerPids(List<String> hosts, String container) throws java.io.IOException {
    Map<String, Long> m = new java.util.TreeMap<>();
    for (String h : hosts) {
      com.fasterxml.jackson.databind.JsonNode kubelet = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
          hostPath(h, "var-lib/kubelet-standin/state.json").toFile());
      for (com.fasterxml.jackson.databind.JsonNode pod : kubelet.path("pods")) {
        for (com.fasterxml.jackson.databind.JsonNode c : pod.path("containers")) {
          if (c.path("name").asText().equals(container) && c.path("pid").isNumber()) {
            m.put(h, c.path("pid").asLong());
          }
        }
      }
    }
    return m;
  }

  public Path inventory() {
    return state.resolve("inventory.ini");
  }

  public String address(int host) {
    return ipv6() ? net + "::" + host : net + "." + host;
  }

  /** Host N's address as it appears in a URL: bracketed for IPv6. */
  public String urlHost(int host) {
    return ipv6() ? "[" + address(host) + "]" : address(host);
  }

  public boolean ipv6() {
    return net.contains(":");
  }

  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("LAB_STATE", state.toString());
    return env;
  }

  public Proc.Result run(String... args) {
    return run(Map.of(), args);
  }

  public Proc.Result run(Map<String, String> extraEnv, String... args) {
    List<String> argv = new ArrayList<>(List.of(Repo.root().resolve("lab/lab").toString()));
    argv.addAll(List.of(args));
    Map<String, String> env = env();
    env.putAll(extraEnv);
    return Proc.run(argv, env, null, 300);
  }

  public Proc.Result up(String... extra) {
    List<String> args = new ArrayList<>(List.of("up", ipv6() ? "--net6" : "--net", net));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  public Proc.Result ssh(String host, String command) {
    return run("ssh", host, command);
  }

  @Override
  public void close() {
    run("down");
  }
}
