package dev.etcddr.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The playbooks run against a lab as an operator runs them: real ansible-playbook over the lab's sshd, with the
 * shaded jar and a controller store of the test's own. Shared by the playbook ITs so each says only its story.
 */
public final class LabPlays {
  /**
   * Extra vars that install the jar in each host's own /var/lib: the default, /usr/local/lib, is the machine's,
   * shared by every lab running beside this one, whose plays may install another build there.
   */
  public static final List<String> OWN_JAR = List.of("-e", "etcd_dr_install_dir=/var/lib/etcd-dr/jar");

  /** Keys the lab's apiserver stand-ins write on their own: heartbeats and endpoint leases. */
  public static final List<String> STAND_IN_PREFIXES = List.of("/registry/lab/heartbeats/", "/registry/masterleases/");

  private final Lab lab;
  private final Path controller;

  public LabPlays(Lab lab, Path controller) {
    this.lab = lab;
    this.controller = controller;
  }

  /** The store root the plays are given (etcd_dr_store). */
  public Path controller() {
    return controller;
  }

  /** This lab's cluster folder in the store: its snapshots, restores/ reports and cluster-ids.json. */
  public Path clusterStore() throws Exception {
    return controller.resolve(clusterName());
  }

  public static String jar() {
    return Path.of(System.getProperty("etcddr.jar", "target/etcd-dr.jar")).toAbsolutePath().toString();
  }

  /** The cluster name the lab's inventory gives (what a restore is confirmed with). */
  public String clusterName() throws Exception {
    Matcher m = Pattern.compile("(?m)^etcd_dr_cluster_name=(\\S+)$").matcher(Files.readString(lab.inventory()));
    if (!m.find()) {
      throw new AssertionError("no etcd_dr_cluster_name in " + lab.inventory());
    }
    return m.group(1);
  }

  private List<String> common() {
    return new ArrayList<>(List.of("-i", lab.inventory().toString(),
        "-e", "etcd_dr_jar_src=" + jar(), "-e", "etcd_dr_store=" + controller,
        "-e", "etcd_restore_timeout=5s", "-e", "etcd_backup_timeout=5s"));
  }

  private static Map<String, String> env() {
    return Map.of("ANSIBLE_HOST_KEY_CHECKING", "True", "ANSIBLE_NOCOLOR", "1", "ANSIBLE_FORCE_COLOR", "0");
  }

  public Proc.Result play(String playbook, String... extra) {
    List<String> argv = new ArrayList<>(List.of("ansible-playbook", Repo.root().resolve(playbook).toString()));
    argv.addAll(common());
    argv.addAll(List.of(extra));
    return Proc.run(argv, env(), null, 900);
  }

  /** The game-day restore of the newest backup, confirmed, with extra arguments. */
  public List<String> restoreArgs(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-e", "etcd_dr_snapshot=latest", "-e", "etcd_dr_confirm=" + clusterName()));
    args.addAll(List.of(extra));
    return args;
  }

  public Proc.Result restore(String... extra) throws Exception {
    return play("playbooks/restore.yml", restoreArgs(extra).toArray(String[]::new));
  }

  /** A play in the background, its output in a file, to be interrupted or watched. */
  public Process start(Path out, String playbook, List<String> extra) throws Exception {
    List<String> argv = new ArrayList<>(List.of("ansible-playbook", Repo.root().resolve(playbook).toString()));
    argv.addAll(common());
    argv.addAll(extra);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env());
    return pb.start();
  }

  public static void waitFor(Path file, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("'" + text + "' did not appear in " + file + ":\n"
        + (Files.exists(file) ? Files.readString(file) : ""));
  }

  /** What host i's apiserver answers on /readyz ("ok" when ready), checked against the lab's Kubernetes CA. */
  public String readyz(int host) {
    Proc.Result r = Proc.run(List.of("curl", "-sS", "--max-time", "5", "--cacert",
        lab.state().resolve("pki/kubernetes-ca/ca.crt").toString(), "https://" + lab.urlHost(host) + ":6443/readyz"));
    return r.stdout().trim().isEmpty() ? r.stderr().trim() : r.stdout().trim();
  }

  public Path newestSnapshot() throws Exception {
    try (var s = Files.list(clusterStore())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".db")).max(Path::compareTo).orElseThrow();
    }
  }

  /** `sha256sum` of the files matching a glob on each host, by host (what "byte for byte unchanged" compares). */
  public Map<String, String> sha256(List<String> hosts, String glob) {
    Map<String, String> m = new TreeMap<>();
    for (String h : hosts) {
      m.put(h, lab.ssh(h, "sha256sum " + glob).requireSuccess().stdout());
    }
    return m;
  }

  /** The keys without those the stand-ins write themselves (they come and go with the apiservers). */
  public static Map<String, String> withoutStandIns(Map<String, String> keys) {
    Map<String, String> m = new TreeMap<>(keys);
    m.keySet().removeIf(k -> STAND_IN_PREFIXES.stream().anyMatch(k::startsWith));
    return m;
  }
}
