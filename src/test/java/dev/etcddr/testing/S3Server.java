package dev.etcddr.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server on a loopback address: S3Proxy (its own JVM, SigV4 with one access key, the filesystem backend,
 * so each bucket is a directory and each object a file under its key), http or https with a certificate of a CA
 * made here. Started, killed, stopped and restarted by its PID only. Also the credentials file the store reads, and
 * rclone as a second S3 client that checks the bucket without the AWS SDK under test.
 */
public final class S3Server implements AutoCloseable {
  /** Its own net (127.0.7 is BackupPlaybookIT's lab, which may run beside it). */
  public static final String ADDRESS = "127.0.27.1";
  public static final String BUCKET = "etcd-backups";
  public static final String ACCESS_KEY = "AKIDETCDDRTEST0001";
  public static final String SECRET_KEY = "s3cr3t-etcd-dr-test-only-Zq8T";
  private static final String KEYSTORE_PASSWORD = "keystore-pass";

  private final Path dir;
  private final int port;
  private final boolean https;
  private Process process;

  private S3Server(Path dir, int port, boolean https) {
    this.dir = dir;
    this.port = port;
    this.https = https;
  }

  /** An http server with bucket {@link #BUCKET}. */
  public static S3Server start(Path dir) throws IOException {
    return start(dir, false);
  }

  /** With {@code https}, its certificate (for {@link #ADDRESS}) is signed by {@link #caFile()}. */
  public static S3Server start(Path dir, boolean https) throws IOException {
    Files.createDirectories(dir.resolve("data").resolve(BUCKET));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
      port = s.getLocalPort();
    }
    S3Server server = new S3Server(dir, port, https);
    List<String> conf = new ArrayList<>(List.of("s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY, "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2", "jclouds.identity=unused", "jclouds.credential=unused",
        "jclouds.filesystem.basedir=" + dir.resolve("data")));
    if (https) {
      Path p12 = server.makeCertificates();
      conf.addAll(List.of("s3proxy.secure-endpoint=https://" + ADDRESS + ":" + port,
          "s3proxy.keystore-path=" + p12, "s3proxy.keystore-password=" + KEYSTORE_PASSWORD));
    } else {
      conf.add("s3proxy.endpoint=http://" + ADDRESS + ":" + port);
    }
    Files.write(dir.resolve("s3proxy.conf"), conf);
    Files.writeString(dir.resolve("credentials"), "[default]\naws_access_key_id = " + ACCESS_KEY
        + "\naws_secret_access_key = " + SECRET_KEY + "\n");
    Files.setPosixFilePermissions(dir.resolve("credentials"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(dir.resolve("rclone.conf"), "");
    server.startProcess();
    return server;
  }

  /** A CA, and a server certificate for the address signed by it, as the PKCS#12 keystore S3Proxy's Jetty reads. */
  private Path makeCertificates() throws IOException {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Path ca = newCa(tls, "ca");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + ADDRESS,
        "-keyout", tls.resolve("server.key").toString(), "-out", tls.resolve("server.csr").toString());
    Files.writeString(tls.resolve("server.ext"), "subjectAltName=IP:" + ADDRESS + "\nextendedKeyUsage=serverAuth\n");
    openssl("x509", "-req", "-in", tls.resolve("server.csr").toString(), "-CA", ca.toString(), "-CAkey",
        tls.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-extfile",
        tls.resolve("server.ext").toString(), "-out", tls.resolve("server.crt").toString());
    Path p12 = tls.resolve("server.p12");
    openssl("pkcs12", "-export", "-inkey", tls.resolve("server.key").toString(), "-in",
        tls.resolve("server.crt").toString(), "-certfile", ca.toString(), "-name", "s3proxy", "-passout",
        "pass:" + KEYSTORE_PASSWORD, "-out", p12.toString());
    return p12;
  }

  /** A self-signed CA certificate {@code NAME.crt} (key {@code NAME.key}) in {@code dir}. */
  public static Path newCa(Path dir, String name) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
        "/CN=etcd-dr test " + name, "-days", "2", "-keyout", dir.resolve(name + ".key").toString(), "-out",
        dir.resolve(name + ".crt").toString());
    return dir.resolve(name + ".crt");
  }

  private static void openssl(String... args) {
    List<String> argv = new ArrayList<>(List.of("openssl"));
    argv.addAll(List.of(args));
    Proc.run(argv).requireSuccess();
  }

  private void startProcess() throws IOException {
    String jar = System.getProperty("s3proxy.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IOException("no S3Proxy jar at -Ds3proxy.jar=" + jar + " (failsafe sets it; `mvn verify` fetches it)");
    }
    process = new ProcessBuilder("java", "-Xmx256m", "-jar", jar, "--properties",
        dir.resolve("s3proxy.conf").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(ADDRESS, port)) {
        return;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IOException("S3Proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
        }
        sleep(100);
      }
    }
    throw new IOException("S3Proxy did not listen on " + ADDRESS + ":" + port + " within 60 s");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP ({@code true}) or SIGCONT to the server's PID: a server that hangs with its sockets open. */
  public void freeze(boolean stop) {
    Proc.run(List.of("kill", stop ? "-STOP" : "-CONT", String.valueOf(process.pid()))).requireSuccess();
  }

  /** A new CA and server certificate, the server restarted with them: a rebuilt server, or an impostor. */
  public void changeCertificate() throws IOException {
    makeCertificates();
    restart();
  }

  /** SIGKILL to the server's PID: the server is gone mid-request, as in a crash or a network cut. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** The server again on the same port and data, as after a reboot. */
  public void restart() throws IOException {
    if (process.isAlive()) {
      stop();
    }
    startProcess();
  }

  public long pid() {
    return process.pid();
  }

  public String endpoint() {
    return (https ? "https" : "http") + "://" + ADDRESS + ":" + port;
  }

  /** The --s3-* flags of a store on this server: endpoint, path style, the credentials file (and CA). */
  public List<String> flags() {
    List<String> f = new ArrayList<>(List.of("--s3-endpoint", endpoint(), "--s3-path-style", "--s3-credentials",
        credentials().toString()));
    if (https) {
      f.addAll(List.of("--s3-ca-file", caFile().toString()));
    }
    return f;
  }

  public String url(String prefix) {
    return "s3://" + BUCKET + (prefix.isEmpty() ? "" : "/" + prefix);
  }

  public Path credentials() {
    return dir.resolve("credentials");
  }

  public Path caFile() {
    return dir.resolve("tls/ca.crt");
  }

  /** The file under which the filesystem backend keeps an object: what is really stored, read without S3. */
  public Path objectFile(String key) {
    return dir.resolve("data").resolve(BUCKET).resolve(key);
  }

  /**
   * Multipart uploads still open, as S3Proxy's filesystem backend keeps them: a {@code .mpus-UPLOADID-...} tree of
   * parts in the bucket's directory, gone once the upload is completed or aborted. (rclone's
   * {@code backend list-multipart-uploads} gets 501 NotImplemented from S3Proxy, so the disk is the second opinion.)
   */
  public List<String> openUploads() throws IOException {
    try (var entries = Files.list(dir.resolve("data").resolve(BUCKET))) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".mpus-")).sorted().toList();
    }
  }

  /** rclone against this server, its keys in its environment (never argv); the bucket is {@code :s3:BUCKET}. */
  public Proc.Result rclone(String... args) {
    List<String> argv = new ArrayList<>(List.of(System.getProperty("rclone.bin",
        "/opt/etcd-dr/rclone/usr/bin/rclone")));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--config", dir.resolve("rclone.conf").toString(), "--retries", "1", "--low-level-retries",
        "1", "--contimeout", "5s", "--timeout", "20s"));
    if (https) {
      argv.addAll(List.of("--ca-cert", caFile().toString()));
    }
    return Proc.run(argv, java.util.Map.of("RCLONE_S3_PROVIDER", "Other", "RCLONE_S3_ENDPOINT", endpoint(),
        "RCLONE_S3_ACCESS_KEY_ID", ACCESS_KEY, "RCLONE_S3_SECRET_ACCESS_KEY", SECRET_KEY,
        "RCLONE_S3_FORCE_PATH_STYLE", "true", "RCLONE_S3_NO_CHECK_BUCKET", "true"), null, 60);
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      freeze(false); // a stopped process would not act on SIGTERM
      stop();
    }
  }
}
