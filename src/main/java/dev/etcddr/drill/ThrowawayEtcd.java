package dev.etcddr.drill;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd started on a restored data dir, listening on loopback only (plain http: nothing but this
 * process can reach it, and it never joins the real cluster: its peer URL is a loopback port and its data dir
 * holds a one-member cluster of a fresh token). Only the process started here is ever signalled.
 */
final class ThrowawayEtcd implements AutoCloseable {
  /** How long etcd gets to exit on SIGTERM before SIGKILL: it fsyncs and closes the db, seconds at most. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final String clientUrl;
  private final Path log;

  private ThrowawayEtcd(Process process, String clientUrl, Path log) {
    this.process = process;
    this.clientUrl = clientUrl;
    this.log = log;
  }

  /** A free loopback port; etcd binds it a moment later (a race another process could win: start then fails). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static ThrowawayEtcd start(EtcdBinary etcd, String name, Path dataDir, int clientPort, int peerPort, Path log)
      throws IOException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    ProcessBuilder pb = new ProcessBuilder(List.of(etcd.path().toString(), "--name", name, "--data-dir",
        dataDir.toString(), "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls",
        peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", name + "=" + peer))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // ETCD_* variables in our environment would configure this etcd behind the flags' back (a second listener,
    // TLS files of the real member): the child sees none of them.
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("ETCD_"));
    Process p = pb.start();
    p.getOutputStream().close();
    return new ThrowawayEtcd(p, client, log);
  }

  String clientUrl() {
    return clientUrl;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits until the client port accepts connections, the process exits, or the deadline passes. */
  boolean awaitPort(long deadlineNanos) throws InterruptedException {
    java.net.URI uri = java.net.URI.create(clientUrl);
    while (System.nanoTime() < deadlineNanos && process.isAlive()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
        return true;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    return false;
  }

  /** What etcd said on the way, for a report of why it did not come up: the last lines. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  String exitDescription() {
    return process.isAlive() ? "still running" : "exited with status " + process.exitValue();
  }

  /** SIGTERM, then SIGKILL after the grace period; only ever this process, never by name. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
