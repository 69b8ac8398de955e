package dev.etcddr.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A controller user without root, as an SRE's own account runs etcd-dr: a Unix user of its own with its own home,
 * a checkout of the playbooks with the built jar where the roles expect it, its own copies of each lab's SSH key
 * and known_hosts, and ansible-playbook run as that user (runuser). Nothing it runs can write as root on this
 * machine; what it leaves (store, reports, crontab) must be its own.
 */
public final class Operator implements AutoCloseable {
  private final String user;
  private final Path home;
  private final Path checkout;

  private Operator(String user, Path home) {
    this.user = user;
    this.home = home;
    this.checkout = home.resolve("etcd-dr");
  }

  /** Creates the user (removed again on close) and its checkout: playbooks/, ansible.cfg and target/etcd-dr.jar. */
  public static Operator create(String user) throws IOException {
    Proc.run(List.of("userdel", "-f", "-r", user)); // a user left by a killed earlier run
    Proc.run(List.of("useradd", "-m", "-s", "/bin/bash", user)).requireSuccess();
    Operator op = new Operator(user, Path.of(Proc.run(List.of("bash", "-c", "getent passwd " + user + " | cut -d: -f6"))
        .requireSuccess().stdout().trim()));
    Path root = Repo.root();
    copyTree(root.resolve("playbooks"), op.checkout.resolve("playbooks"));
    Files.copy(root.resolve("ansible.cfg"), op.checkout.resolve("ansible.cfg"));
    Files.createDirectories(op.checkout.resolve("target"));
    Files.copy(Path.of(LabPlays.jar()), op.checkout.resolve("target/etcd-dr.jar"));
    op.chown(op.checkout);
    return op;
  }

  public String user() {
    return user;
  }

  public Path home() {
    return home;
  }

  public int uid() {
    return Integer.parseInt(Proc.run(List.of("id", "-u", user)).requireSuccess().stdout().trim());
  }

  /** An inventory for LAB in the user's home, with the user's own copy of the lab's SSH key and known_hosts. */
  public Path inventoryFor(Lab lab, String name) throws IOException {
    Path ssh = home.resolve("ssh-" + name);
    Files.createDirectories(ssh);
    Files.copy(lab.state().resolve("ssh/id_ed25519"), ssh.resolve("id_ed25519"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(lab.state().resolve("ssh/known_hosts"), ssh.resolve("known_hosts"), StandardCopyOption.REPLACE_EXISTING);
    Path inventory = home.resolve("inventory-" + name + ".ini");
    Files.writeString(inventory, Files.readString(lab.inventory()).replace(lab.state().resolve("ssh").toString(),
        ssh.toString()));
    chown(ssh);
    chown(inventory);
    Proc.run(List.of("chmod", "-R", "go-rwx", ssh.toString())).requireSuccess();
    return inventory;
  }

  /** argv of ansible-playbook PLAYBOOK (relative to the checkout) as the user, from the checkout. */
  public List<String> playArgv(Path inventory, String playbook, List<String> extra) {
    List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "HOME=" + home, "USER=" + user,
        "LOGNAME=" + user, "ansible-playbook", "-i", inventory.toString(), checkout.resolve(playbook).toString()));
    argv.addAll(extra);
    return argv;
  }

  public Proc.Result play(Path inventory, String playbook, String... extra) {
    return Proc.run(playArgv(inventory, playbook, List.of(extra)), env(), checkout, 900);
  }

  /** The same play in the background, its output in OUT. */
  public Process start(Path inventory, Path out, String playbook, String... extra) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(playArgv(inventory, playbook, List.of(extra))).directory(checkout.toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env());
    return pb.start();
  }

  /** The user's crontab ("" when it has none). */
  public String crontab() {
    return Proc.run(List.of("crontab", "-u", user, "-l")).stdout();
  }

  /** Paths under DIR not owned by the user (what a non-root run must never leave). */
  public List<Path> notOwned(Path dir) throws IOException {
    int uid = uid();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> {
        try {
          return (Integer) Files.getAttribute(p, "unix:uid") != uid;
        } catch (IOException e) {
          return true;
        }
      }).toList();
    }
  }

  public void chown(Path p) {
    Proc.run(List.of("chown", "-R", user + ":" + user, p.toString())).requireSuccess();
  }

  private static Map<String, String> env() {
    // etcd 3.5 first on PATH: a drill on the controller finds it there.
    return Map.of("ANSIBLE_NOCOLOR", "1", "ANSIBLE_FORCE_COLOR", "0",
        "PATH", EtcdVersion.V3_5.bin("etcd").getParent() + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Override
  public void close() {
    Proc.run(List.of("crontab", "-u", user, "-r"));
    // -f: the user's ssh ControlPersist masters may still run for a minute; they end on their own.
    Proc.run(List.of("userdel", "-f", "-r", user));
  }
}
