package dev.etcddr.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server with its sftp subsystem on a loopback address, key login for root, and a known_hosts file
 * for its host key. Started and stopped by PID; its host key can be replaced to test refusals.
 */
public final class SftpServer implements AutoCloseable {
  public static final String ADDRESS = "127.0.6.1";

  private final Path dir;
  private final int port;
  private Process sshd;

  private SftpServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  public static SftpServer start(Path dir) throws IOException {
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      port = s.getLocalPort();
    }
    SftpServer server = new SftpServer(dir, port);
    Proc.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client").toString()))
        .requireSuccess();
    Files.copy(dir.resolve("client.pub"), dir.resolve("authorized_keys"));
    server.newHostKey();
    server.writeKnownHosts();
    Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "ListenAddress " + ADDRESS + ":" + port,
        "HostKey " + dir.resolve("host"),
        "PidFile none",
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "Subsystem sftp internal-sftp", ""));
    server.startSshd();
    return server;
  }

  private void newHostKey() throws IOException {
    Files.deleteIfExists(dir.resolve("host"));
    Files.deleteIfExists(dir.resolve("host.pub"));
    Proc.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host").toString()))
        .requireSuccess();
  }

  private void writeKnownHosts() throws IOException {
    String[] pub = Files.readString(dir.resolve("host.pub")).trim().split("\\s+");
    Files.writeString(dir.resolve("known_hosts"), "[" + ADDRESS + "]:" + port + " " + pub[0] + " " + pub[1] + "\n");
  }

  private void startSshd() throws IOException {
    Files.createDirectories(Path.of("/run/sshd"));
    sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket(ADDRESS, port)) {
        return;
      } catch (IOException e) {
        if (!sshd.isAlive()) {
          throw new IOException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
    throw new IOException("sshd did not listen on " + ADDRESS + ":" + port);
  }

  /** The server gets a new host key; known_hosts keeps the old one (a rebuilt or impostor server). */
  public void changeHostKey() throws IOException {
    stop();
    newHostKey();
    startSshd();
  }

  public String url(Path remoteDir) {
    return "sftp://root@" + ADDRESS + ":" + port + remoteDir;
  }

  public Path identity() {
    return dir.resolve("client");
  }

  public Path knownHosts() {
    return dir.resolve("known_hosts");
  }

  private void stop() {
    if (sshd != null) {
      sshd.destroy();
      try {
        if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
          sshd.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sshd = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
