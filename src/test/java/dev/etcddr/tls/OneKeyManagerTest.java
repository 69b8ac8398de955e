package dev.etcddr.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.testing.TestPki;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The key manager against the JDK's own TLS server, which demands a client certificate: whatever the protocol and
 * key type, the server must see exactly the certificate that was loaded.
 */
class OneKeyManagerTest {
  @TempDir
  static Path dir;

  static TestPki pki;

  @BeforeAll
  static void makePki() {
    pki = TestPki.forHosts(dir.resolve("pki"), Map.of("cp1", "127.0.0.1"));
  }

  @ParameterizedTest(name = "{0} client key over {1}")
  @CsvSource({"rsa-pkcs1, TLSv1.2", "rsa-pkcs1, TLSv1.3", "ec-sec1, TLSv1.2", "ec-sec1, TLSv1.3"})
  void the_server_sees_the_loaded_client_certificate(String alg, String protocol) throws Exception {
    Path[] pair = pki.client("client-" + alg, alg, false);
    ClientTls client = ClientTls.load(pki.caCert(), pair[0], pair[1], Clock.systemUTC());
    Path etcdPki = pki.pkiDir("cp1").resolve("etcd");
    ClientTls server = ClientTls.load(pki.caCert(), etcdPki.resolve("server.crt"), etcdPki.resolve("server.key"),
        Clock.systemUTC());

    SSLContext serverCtx = SSLContext.getInstance(protocol);
    serverCtx.init(new KeyManager[] {new ServerSide(server)}, trustingCa(server).getTrustManagers(), null);
    SSLContext clientCtx = SSLContext.getInstance(protocol);
    clientCtx.init(new KeyManager[] {client.keyManager()}, trustingCa(client).getTrustManagers(), null);

    try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      listener.setEnabledProtocols(new String[] {protocol});
      CompletableFuture<X509Certificate> seen = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket accepted = (SSLSocket) listener.accept()) {
          accepted.startHandshake();
          return (X509Certificate) accepted.getSession().getPeerCertificates()[0];
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket socket = (SSLSocket) clientCtx.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.setEnabledProtocols(new String[] {protocol});
        socket.startHandshake();
        socket.getOutputStream().write(0);
        assertEquals(client.clientCertificate(), seen.get(30, TimeUnit.SECONDS));
      }
    }
  }

  private static TrustManagerFactory trustingCa(ClientTls tls) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("ca", tls.caCerts().get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    return tmf;
  }

  /** The server's side needs a server alias; the JDK's key store route is fine in a test. */
  private static final class ServerSide extends javax.net.ssl.X509ExtendedKeyManager {
    private final ClientTls creds;

    ServerSide(ClientTls creds) {
      this.creds = creds;
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"server"};
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return keyType.startsWith(creds.key().getAlgorithm()) || keyType.equals("RSASSA-PSS") ? "server" : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return creds.certChain().toArray(new X509Certificate[0]);
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      return creds.key();
    }
  }
}
