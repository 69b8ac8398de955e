package dev.etcddr.drill;

import dev.etcddr.snapshot.GoSemver;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The etcd binary the drill starts, and its version. On a kubeadm host etcd lives in a container image, not on
 * PATH, so "none found" is a normal answer that must say where we looked and what to do.
 *
 * @param from what named it: {@code --etcd}, {@code ETCD_DR_ETCD} or {@code PATH}
 */
public record EtcdBinary(Path path, String version, String from) {
  /** The environment variable that names the binary when --etcd is not given. */
  public static final String ENV = "ETCD_DR_ETCD";

  private static final Pattern VERSION = Pattern.compile("etcd Version: (\\S+)");

  /** --etcd, else $ETCD_DR_ETCD, else the first executable {@code etcd} on $PATH. */
  public static EtcdBinary find(Optional<Path> flag, Map<String, String> env) {
    if (flag.isPresent()) {
      return probe(flag.get(), "--etcd");
    }
    String named = env.getOrDefault(ENV, "");
    if (!named.isBlank()) {
      return probe(Path.of(named), ENV);
    }
    String pathVar = env.getOrDefault("PATH", "");
    List<String> looked = new ArrayList<>();
    for (String dir : pathVar.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      looked.add(dir);
      Path candidate = Path.of(dir, "etcd");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return probe(candidate, "PATH");
      }
    }
    throw new EtcdBinaryException("no etcd binary for the drill: --etcd not given, " + ENV + " not set, and no"
        + " executable 'etcd' in PATH (" + (looked.isEmpty() ? "empty" : String.join(":", looked)) + "). Install"
        + " etcd of the cluster's minor version (kubeadm hosts run it from a container image) and pass --etcd PATH");
  }

  /** Runs {@code etcd --version}: proves the file is an etcd we can start, and names its release in the report. */
  static EtcdBinary probe(Path path, String from) {
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw new EtcdBinaryException("etcd binary " + path + " (from " + from + ") "
          + (Files.exists(path) ? "is not an executable file" : "does not exist"));
    }
    try {
      Process p = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new EtcdBinaryException(path + " --version did not finish within 20s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      Matcher m = VERSION.matcher(text);
      if (p.exitValue() != 0 || !m.find()) {
        throw new EtcdBinaryException(path + " (from " + from + ") is not etcd: `--version` said "
            + text.lines().findFirst().orElse("nothing") + " (exit " + p.exitValue() + ")");
      }
      return new EtcdBinary(path.toAbsolutePath(), m.group(1), from);
    } catch (IOException e) {
      throw new EtcdBinaryException("cannot run " + path + " (from " + from + "): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EtcdBinaryException("interrupted while asking " + path + " for its version");
    }
  }

  /**
   * Refuses this binary for a snapshot that needs a newer etcd, before anything is written: etcd refuses a data dir
   * whose storage version it does not know and panics on a cluster version newer than itself, so such a drill
   * could only fail, and for a reason that says nothing about the backup. A newer binary is fine (3.6 starts from
   * a 3.5 restore and migrates it).
   */
  void requireAtLeast(SnapshotEtcdVersion need, Path snapshot) {
    Optional<GoSemver> mine = GoSemver.parse(version);
    if (mine.isPresent() && mine.get().atLeast(need.major(), need.minor())) {
      return;
    }
    throw new EtcdBinaryException("etcd " + version + " at " + path + " (from " + from + ") "
        + (mine.isPresent() ? "is older than the snapshot" : "has a version that does not parse") + ": "
        + snapshot + " needs etcd " + need.version() + " or newer (" + need.evidence() + "); nothing was restored"
        + " or started. Pass --etcd PATH to an etcd >= " + need.version() + " (or set " + ENV + " when --etcd is"
        + " not given)");
  }
}
