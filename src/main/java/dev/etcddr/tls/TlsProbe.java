package dev.etcddr.tls;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One plain TLS handshake with an etcd endpoint before the gRPC client uses it. The gRPC transport retries a
 * refused connection or handshake until its deadline and then says only "UNAVAILABLE"; this probe says at once
 * which it was: nothing listening, the server certificate refused (unknown CA, expired, wrong host), or our client
 * certificate refused by etcd. TLS 1.2 is asked for because under TLS 1.3 a refused client certificate is only
 * reported after the handshake; a server that allows only TLS 1.3 is left to the gRPC client.
 */
public final class TlsProbe {
  private TlsProbe() {}

  /** Problems found, as exceptions ready to throw; empty when the endpoint completed a mutual-TLS handshake. */
  public sealed interface Outcome permits Ok, Unreachable, Refused {}

  public record Ok() implements Outcome {}

  public record Unreachable(String why) implements Outcome {}

  public record Refused(TlsException why) implements Outcome {}

  public static Outcome probe(String endpoint, String host, int port, boolean tls, ClientTls creds,
      ServerCertificateCheck serverCheck, Duration timeout) {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    boolean connected = false;
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), millis);
      connected = true;
      if (!tls) {
        return new Ok();
      }
      raw.setSoTimeout(millis);
      SSLContext ctx = SSLContext.getInstance("TLSv1.2");
      ctx.init(new KeyManager[] {creds.keyManager()}, new TrustManager[] {serverCheck}, null);
      try (SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
        ssl.setEnabledProtocols(new String[] {"TLSv1.2"});
        ssl.startHandshake();
      }
      return new Ok();
    } catch (UnknownHostException e) {
      return new Unreachable("host '" + host + "' of " + endpoint + " does not resolve");
    } catch (ConnectException e) {
      return new Unreachable("nothing accepts connections at " + endpoint + " (" + e.getMessage()
          + "): is etcd running there?");
    } catch (SocketTimeoutException e) {
      return new Unreachable("no answer from " + endpoint + " within " + timeout.toSeconds()
          + "s (down, firewalled, or not reachable from this host?)");
    } catch (SSLException e) {
      return sslFailure(endpoint, creds, serverCheck, e);
    } catch (IOException e) {
      if (connected && serverCheck.refusal().isEmpty()) {
        // Go's TLS server sends its alert and hangs up; Java often sees only the closed socket.
        return new Refused(new TlsException("etcd at " + endpoint + " closed the connection during the TLS"
            + " handshake (" + e.getMessage() + "): most likely it refused the client certificate "
            + creds.certFile() + " (issuer " + creds.clientCertificate().getIssuerX500Principal().getName()
            + "); it must be signed by the etcd CA and allow client auth", e));
      }
      if (serverCheck.refusal().isPresent()) {
        return new Refused(new TlsException(serverCheck.refusal().get(), e));
      }
      return new Unreachable("cannot connect to " + endpoint + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      return new Refused(new TlsException("cannot set up TLS for " + endpoint + ": " + e.getMessage(), e));
    }
  }

  private static Outcome sslFailure(String endpoint, ClientTls creds, ServerCertificateCheck serverCheck,
      SSLException e) {
    Optional<String> ours = serverCheck.refusal();
    if (ours.isPresent()) {
      return new Refused(new TlsException(ours.get(), e));
    }
    String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (msg.contains("protocol_version") || msg.contains("no appropriate protocol")) {
      return new Ok(); // TLS 1.3-only server: leave it to the gRPC client
    }
    if (msg.contains("bad_certificate") || msg.contains("unknown_ca") || msg.contains("certificate_unknown")
        || msg.contains("certificate_required") || msg.contains("certificate_expired")
        || msg.contains("unsupported_certificate") || msg.contains("access_denied")) {
      return new Refused(new TlsException("etcd at " + endpoint + " refused the client certificate "
          + creds.certFile() + " (subject " + creds.clientCertificate().getSubjectX500Principal().getName()
          + ", issuer " + creds.clientCertificate().getIssuerX500Principal().getName() + "): it must be signed by"
          + " the etcd CA (--trusted-ca-file) and allow client auth (" + e.getMessage() + ")", e));
    }
    if (msg.contains("unrecognized ssl message") || msg.contains("plaintext")) {
      return new Refused(new TlsException(endpoint + " does not speak TLS; use an http:// URL if this etcd serves"
          + " plain HTTP", e));
    }
    return new Refused(new TlsException("TLS handshake with " + endpoint + " failed: " + e.getMessage(), e));
  }
}
