package dev.etcddr.tls;

import dev.etcddr.net.HostPort;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies etcd's server certificate for one endpoint: validity period, chain to the configured CA, and that the
 * certificate names the host or IP we dialled. It does the hostname check itself (so it holds whatever the gRPC
 * transport does), and it remembers why it refused: the transport reports any refusal as a bare "UNAVAILABLE",
 * and an operator needs to read "expired", "unknown CA" or "hostname mismatch" instead.
 */
public final class ServerCertificateCheck extends X509ExtendedTrustManager {
  private final ClientTls tls;
  private final String host;
  private final String endpoint;
  private final Clock clock;
  private final X509TrustManager pkix;
  private final AtomicReference<String> refusal = new AtomicReference<>();

  public ServerCertificateCheck(ClientTls tls, String endpoint, String host, Clock clock) {
    this.tls = tls;
    this.endpoint = endpoint;
    this.host = host;
    this.clock = clock;
    // Plain http (the drill's throwaway member on loopback) has no trust material; this check never runs there.
    this.pkix = tls == null ? null : pkixTrustManager(tls);
  }

  /** Why the last handshake's server certificate was refused, if it was. */
  public java.util.Optional<String> refusal() {
    return java.util.Optional.ofNullable(refusal.get());
  }

  private static X509TrustManager pkixTrustManager(ClientTls tls) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : tls.caCerts()) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(store);
      for (var tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new TlsException("no X.509 trust manager available in this JVM");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsException("CA certificate " + tls.caFile() + ": cannot be used as a trust anchor: "
          + e.getMessage(), e);
    }
  }

  private void check(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw refuse("etcd at " + endpoint + " sent no server certificate");
    }
    X509Certificate leaf = chain[0];
    String subject = leaf.getSubjectX500Principal().getName();
    try {
      ClientTls.requireValidNow(leaf, "etcd's server certificate at " + endpoint, clock.instant());
    } catch (TlsException e) {
      throw refuse(e.getMessage());
    }
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw refuse("etcd's server certificate at " + endpoint + " (subject " + subject + ", issuer "
          + leaf.getIssuerX500Principal().getName() + ") is not signed by the CA in " + tls.caFile()
          + " (" + tls.caCerts().get(0).getSubjectX500Principal().getName() + "): unknown CA; pass the etcd CA"
          + " with --cacert");
    }
    List<String> names = subjectAltNames(leaf);
    if (!matchesHost(names)) {
      throw refuse("etcd's server certificate at " + endpoint + " does not name host '" + host
          + "' (hostname mismatch; its SANs: " + String.join(", ", names) + "); use an endpoint the certificate"
          + " lists, e.g. the manifest's --advertise-client-urls");
    }
  }

  private CertificateException refuse(String why) {
    refusal.set(why);
    return new CertificateException(why);
  }

  /** The DNS (type 2) and IP address (type 7) SANs, each as {@code type:name}. */
  private static List<String> subjectAltNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            names.add("DNS:" + san.get(1));
          } else if (type == 7) {
            names.add("IP:" + san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // An unreadable SAN extension matches nothing; the mismatch message will say so.
    }
    return names;
  }

  /**
   * Go's {@code x509.VerifyHostname}: an IP literal matches only IP SANs, as addresses (the JDK writes an IPv6 SAN
   * as {@code 0:0:0:0:0:0:0:1}, a URL as {@code [::1]}); a name matches only DNS SANs, one leading wildcard label
   * allowed.
   */
  private boolean matchesHost(List<String> names) {
    HostPort h = new HostPort(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
        : host, 0);
    if (h.isIpLiteral()) {
      InetAddress want = h.address();
      return names.stream().filter(n -> n.startsWith("IP:"))
          .anyMatch(n -> new HostPort(n.substring(3), 0).address().equals(want));
    }
    String lower = h.host().toLowerCase(Locale.ROOT);
    for (String n : names) {
      if (!n.startsWith("DNS:")) {
        continue;
      }
      String pattern = n.substring(4).toLowerCase(Locale.ROOT);
      if (pattern.equals(lower)) {
        return true;
      }
      if (pattern.startsWith("*.") && lower.indexOf('.') > 0
          && lower.substring(lower.indexOf('.')).equals(pattern.substring(1))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("etcd-dr is a TLS client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("etcd-dr is a TLS client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("etcd-dr is a TLS client only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return tls.caCerts().toArray(new X509Certificate[0]);
  }
}
