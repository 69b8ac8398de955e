package dev.etcddr.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real etcd cluster on loopback, with kubeadm-shaped PKI and one kubeadm-shaped {@code etcd.yaml} per member
 * that states exactly the flags the process was started with. Members get addresses 127.0.2.x (the lab uses
 * 127.0.1.x), or x.y.z.n in a /24 the test names, and free ports. Only the processes started here are stopped,
 * by PID.
 */
public final class EtcdCluster implements AutoCloseable {
  /**
   * The default: members on 127.0.2.n, their alias addresses on 127.0.3.n; in the second test JVM of a parallel
   * run (failsafe's fork 2) 127.0.42.n and 127.0.43.n, so two forks never pick the same address.
   */
  private static final boolean SECOND_FORK = "2".equals(System.getProperty("etcddr.fork", "1"));
  private static final String DEFAULT_SUBNET = SECOND_FORK ? "127.0.42" : "127.0.2";
  private static final String DEFAULT_ALIAS_SUBNET = SECOND_FORK ? "127.0.43" : "127.0.3";
  private static final Map<String, AtomicInteger> NEXT_ADDRESS = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param aliasIp a second address the member also serves clients on, which its certificate does NOT name (for
   *     hostname-mismatch tests)
   */
  public record Member(String name, String ip, String aliasIp, int clientPort, int peerPort, Path home) {
    public String clientUrl() {
      return "https://" + urlHost(ip) + ":" + clientPort;
    }

    /** Null when the member has no alias address (members on {@code ::1}). */
    public String aliasClientUrl() {
      return aliasIp == null ? null : "https://" + urlHost(aliasIp) + ":" + clientPort;
    }

    public String peerUrl() {
      return "https://" + urlHost(ip) + ":" + peerPort;
    }

    private static String urlHost(String ip) {
      return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    public Path manifest() {
      return home.resolve("manifests/etcd.yaml");
    }

    public Path dataDir() {
      return home.resolve("data");
    }
  }

  private final EtcdVersion version;
  private final Path dir;
  private final TestPki pki;
  private final List<Member> members;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private String token = "etcd-dr-test";

  /** The token a fresh (not restored) start would use; a restore brings its own. */
  public String token() {
    return token;
  }

  private EtcdCluster(EtcdVersion version, Path dir, TestPki pki, List<Member> members) {
    this.version = version;
    this.dir = dir;
    this.pki = pki;
    this.members = members;
  }

  /** Starts {@code size} members and waits until every one is healthy. */
  public static EtcdCluster start(EtcdVersion version, Path dir, int size) throws IOException {
    return start(version, dir, size, DEFAULT_SUBNET);
  }

  /**
   * Starts {@code size} members on addresses {@code subnet.n} (aliases {@code subnet.(n+100)}), for tests that
   * must keep to an address range of their own.
   */
  public static EtcdCluster start(EtcdVersion version, Path dir, int size, String subnet) throws IOException {
    return startedOrClosed(prepare(version, dir, size, subnet));
  }

  /**
   * Members, PKI and manifests, but no process yet: a test can first put a restored data dir at each member's
   * {@link Member#dataDir()}, then {@link #startAll()}.
   */
  public static EtcdCluster prepare(EtcdVersion version, Path dir, int size) throws IOException {
    return prepare(version, dir, size, DEFAULT_SUBNET);
  }

  private static EtcdCluster prepare(EtcdVersion version, Path dir, int size, String subnet) throws IOException {
    return prepare(version, dir, size, subnet, 0);
  }

  /**
   * Like {@link #prepare(EtcdVersion, Path, int)} on addresses {@code subnet.n} with fixed ports from
   * {@code firstPort} on (client, peer per member), for tests that must keep to a port range of their own.
   */
  public static EtcdCluster prepare(EtcdVersion version, Path dir, int size, String subnet, int firstPort)
      throws IOException {
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int n = NEXT_ADDRESS.computeIfAbsent(subnet, s -> new AtomicInteger(10)).getAndIncrement();
      String ip = subnet + "." + n;
      String alias = subnet.equals(DEFAULT_SUBNET) ? DEFAULT_ALIAS_SUBNET + "." + n : subnet + "." + (n + 100);
      String name = "m" + (i + 1);
      int client = firstPort == 0 ? freePort(ip) : firstPort + 2 * i;
      int peer = firstPort == 0 ? freePort(ip) : firstPort + 2 * i + 1;
      members.add(new Member(name, ip, alias, client, peer, dir.resolve(name)));
    }
    return prepared(version, dir, members);
  }

  /**
   * Starts {@code size} members that all listen on one address, such as {@code ::1}, each on its own pair of
   * ports taken from {@code firstPort} up (ports in use are skipped), for tests that must keep to a port range.
   * No alias addresses.
   */
  public static EtcdCluster startOnHost(EtcdVersion version, Path dir, int size, String host, int firstPort)
      throws IOException {
    List<Member> members = new ArrayList<>();
    int port = firstPort;
    for (int i = 0; i < size; i++) {
      port = freePortFrom(host, port);
      int client = port++;
      port = freePortFrom(host, port);
      int peer = port++;
      String name = "m" + (i + 1);
      members.add(new Member(name, host, null, client, peer, dir.resolve(name)));
    }
    return startedOrClosed(prepared(version, dir, members));
  }

  /** Starts every member of a prepared cluster; on any failure stops what was started and rethrows. */
  private static EtcdCluster startedOrClosed(EtcdCluster cluster) throws IOException {
    try {
      cluster.startAll();
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private static EtcdCluster prepared(EtcdVersion version, Path dir, List<Member> members) throws IOException {
    Map<String, String> hosts = new LinkedHashMap<>();
    members.forEach(m -> hosts.put(m.name(), m.ip()));
    TestPki pki = TestPki.forHosts(dir.resolve("pki"), hosts);
    EtcdCluster cluster = new EtcdCluster(version, dir, pki, members);
    for (Member m : members) {
      Files.createDirectories(m.home().resolve("manifests"));
      Files.writeString(m.manifest(), cluster.manifestYaml(m));
    }
    return cluster;
  }

  /** Starts every member that is not running and waits until all are healthy. */
  public void startAll() throws IOException {
    for (Member m : members) {
      if (!processes.containsKey(m.name())) {
        startMember(m);
      }
    }
    for (Member m : members) {
      awaitHealthy(m, Duration.ofSeconds(60));
    }
  }

  /** The same members, PKI and addresses run by another etcd release (data dirs stay where they are). */
  public EtcdCluster withVersion(EtcdVersion other) {
    if (!processes.isEmpty()) {
      throw new IllegalStateException("stop the cluster first");
    }
    return new EtcdCluster(other, dir, pki, members);
  }

  private static int freePortFrom(String ip, int from) throws IOException {
    for (int p = from; p < from + 200; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName(ip))) {
        return p;
      } catch (java.net.BindException e) {
        // in use: the next one
      }
    }
    throw new IOException("no free port on " + ip + " in " + from + ".." + (from + 199));
  }

  private static int freePort(String ip) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
      return s.getLocalPort();
    }
  }

  public EtcdVersion version() {
    return version;
  }

  public TestPki pki() {
    return pki;
  }

  public List<Member> members() {
    return members;
  }

  public Member member(int i) {
    return members.get(i);
  }

  private String initialCluster() {
    return members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
  }

  /** The flags kubeadm writes, with this member's paths and ports. */
  List<String> flags(Member m) {
    Path etcdPki = pki.pkiDir(m.name()).resolve("etcd");
    return List.of(
        "--advertise-client-urls=" + m.clientUrl(),
        "--cert-file=" + etcdPki.resolve("server.crt"),
        "--client-cert-auth=true",
        "--data-dir=" + m.dataDir(),
        "--initial-advertise-peer-urls=" + m.peerUrl(),
        "--initial-cluster=" + initialCluster(),
        "--initial-cluster-state=new",
        "--initial-cluster-token=" + token,
        "--key-file=" + etcdPki.resolve("server.key"),
        "--listen-client-urls=" + m.clientUrl() + (m.aliasIp() == null ? "" : "," + m.aliasClientUrl()),
        "--listen-peer-urls=" + m.peerUrl(),
        "--name=" + m.name(),
        "--peer-cert-file=" + etcdPki.resolve("peer.crt"),
        "--peer-client-cert-auth=true",
        "--peer-key-file=" + etcdPki.resolve("peer.key"),
        "--peer-trusted-ca-file=" + etcdPki.resolve("ca.crt"),
        "--snapshot-count=10000",
        "--trusted-ca-file=" + etcdPki.resolve("ca.crt"));
  }

  private String manifestYaml(Member m) {
    StringBuilder cmd = new StringBuilder("    - etcd\n");
    for (String f : flags(m)) {
      cmd.append("    - ").append(f).append('\n');
    }
    Path etcdPki = pki.pkiDir(m.name()).resolve("etcd");
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          annotations:
            kubeadm.kubernetes.io/etcd.advertise-client-urls: %s
          labels:
            component: etcd
            tier: control-plane
          name: etcd
          namespace: kube-system
        spec:
          containers:
          - command:
        %s    image: registry.k8s.io/etcd:%s-0
            imagePullPolicy: IfNotPresent
            name: etcd
            volumeMounts:
            - mountPath: %s
              name: etcd-data
            - mountPath: %s
              name: etcd-certs
          hostNetwork: true
          priorityClassName: system-node-critical
          volumes:
          - hostPath:
              path: %s
              type: DirectoryOrCreate
            name: etcd-certs
          - hostPath:
              path: %s
              type: DirectoryOrCreate
            name: etcd-data
        """.formatted(m.clientUrl(), cmd,
        version.version, m.dataDir(), etcdPki, etcdPki, m.dataDir());
  }

  public void startMember(Member m) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(version.bin("etcd").toString());
    argv.addAll(flags(m));
    Path log = m.home().resolve("etcd.log");
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.put(m.name(), p);
  }

  /**
   * Starts a member the way kubeadm join leaves it: {@code --initial-cluster-state=existing} and the given member
   * list, into whatever its data dir holds (empty, for a replaced member). Does not wait: a learner is not healthy
   * to {@code endpoint health} until promoted.
   */
  public void startJoining(Member m, String initialCluster) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(version.bin("etcd").toString());
    for (String f : flags(m)) {
      argv.add(f.startsWith("--initial-cluster=") ? "--initial-cluster=" + initialCluster
          : f.equals("--initial-cluster-state=new") ? "--initial-cluster-state=existing" : f);
    }
    Path log = m.home().resolve("etcd.log");
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    processes.put(m.name(), p);
  }

  /** The PID of a member's etcd, for SIGSTOP/SIGCONT; only processes this cluster started. */
  public long pid(Member m) {
    Process p = processes.get(m.name());
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("etcd " + m.name() + " is not running");
    }
    return p.pid();
  }

  /** Stops one member (SIGTERM, then SIGKILL), as a crashed or partitioned host would look. */
  public void stopMember(Member m) {
    Process p = processes.remove(m.name());
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** etcdctl against one member, authenticated as kubeadm's healthcheck client. */
  public Proc.Result etcdctl(Member m, String... args) {
    Path etcdPki = pki.pkiDir(m.name()).resolve("etcd");
    List<String> argv = new ArrayList<>(List.of(EtcdVersion.V3_5.bin("etcdctl").toString(),
        "--endpoints=" + m.clientUrl(), "--cacert=" + etcdPki.resolve("ca.crt"),
        "--cert=" + etcdPki.resolve("healthcheck-client.crt"), "--key=" + etcdPki.resolve("healthcheck-client.key"),
        "--dial-timeout=5s", "--command-timeout=30s"));
    argv.addAll(List.of(args));
    return Proc.run(argv, Map.of("ETCDCTL_API", "3"), null, 120);
  }

  /** Current revision of the member, from etcdctl's endpoint status. */
  public long revision(Member m) {
    String json = etcdctl(m, "endpoint", "status", "-w", "json").requireSuccess().stdout();
    var matcher = java.util.regex.Pattern.compile("\"revision\":(\\d+)").matcher(json);
    if (!matcher.find()) {
      throw new AssertionError("no revision in etcdctl output: " + json);
    }
    return Long.parseLong(matcher.group(1));
  }

  /** Writes {@code count} keys of {@code valueBytes} each under prefix, through etcdctl in one txn per key. */
  public void putKeys(String prefix, int count, int valueBytes) {
    Member m = members.get(0);
    String value = "v".repeat(valueBytes);
    for (int i = 0; i < count; i++) {
      etcdctl(m, "put", prefix + i, value).requireSuccess();
    }
  }

  private void awaitHealthy(Member m, Duration limit) {
    Instant deadline = Instant.now().plus(limit);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      Process p = processes.get(m.name());
      if (p != null && !p.isAlive()) {
        throw new AssertionError("etcd " + m.name() + " exited: " + tail(m));
      }
      Proc.Result r = etcdctl(m, "endpoint", "health");
      if (r.exitCode() == 0) {
        return;
      }
      last = r.stderr();
      sleep(300);
    }
    throw new AssertionError("etcd " + m.name() + " not healthy within " + limit + ": " + last + "\n" + tail(m));
  }

  private static String tail(Member m) {
    try {
      List<String> lines = Files.readAllLines(m.home().resolve("etcd.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (Member m : List.copyOf(members)) {
      stopMember(m);
    }
  }
}
