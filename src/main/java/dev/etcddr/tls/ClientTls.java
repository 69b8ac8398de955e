package dev.etcddr.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The credentials for talking to etcd over mutual TLS, loaded and checked before any connection: the CA that
 * signed etcd's server certificate, and a client certificate with its key. A key that does not belong to its
 * certificate, or a certificate outside its validity period, is refused here with the file named, rather than
 * as an opaque handshake failure later.
 */
public record ClientTls(
    Path caFile, List<X509Certificate> caCerts, Path certFile, List<X509Certificate> certChain, Path keyFile,
    PrivateKey key) {

  public static ClientTls load(Path caFile, Path certFile, Path keyFile, Clock clock) {
    List<X509Certificate> cas = PemFiles.certificates(caFile, "CA certificate");
    List<X509Certificate> chain = PemFiles.certificates(certFile, "client certificate");
    PrivateKey key = PemFiles.privateKey(keyFile, "client key");
    X509Certificate leaf = chain.get(0);
    requireValidNow(leaf, "client certificate " + certFile, clock.instant());
    requireKeyMatches(leaf, key, certFile, keyFile);
    return new ClientTls(caFile, cas, certFile, chain, keyFile, key);
  }

  /** Offers this certificate and key to a TLS server that asks for one; no key store, no key encryption. */
  public javax.net.ssl.X509ExtendedKeyManager keyManager() {
    return new OneKeyManager(key, certChain);
  }

  public X509Certificate clientCertificate() {
    return certChain.get(0);
  }

  static void requireValidNow(X509Certificate cert, String what, Instant now) {
    if (now.isAfter(cert.getNotAfter().toInstant())) {
      throw new TlsException(what + " expired on " + cert.getNotAfter().toInstant()
          + " (subject " + cert.getSubjectX500Principal().getName() + "); renew it, e.g. `kubeadm certs renew`");
    }
    if (now.isBefore(cert.getNotBefore().toInstant())) {
      throw new TlsException(what + " is not valid before " + cert.getNotBefore().toInstant()
          + "; check this host's clock");
    }
  }

  /**
   * RSA: the key's modulus and public exponent must be the certificate's. Other keys: sign a random challenge and
   * verify it with the certificate's public key.
   */
  private static void requireKeyMatches(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    String certAlg = cert.getPublicKey().getAlgorithm();
    if (!certAlg.equals(key.getAlgorithm())) {
      throw new TlsException("client key " + keyFile + " (" + key.getAlgorithm() + ") does not belong to client"
          + " certificate " + certFile + " (" + certAlg + ")");
    }
    if (key instanceof RSAPrivateCrtKey rsa && cert.getPublicKey() instanceof RSAPublicKey pub) {
      if (!rsa.getModulus().equals(pub.getModulus()) || !rsa.getPublicExponent().equals(pub.getPublicExponent())) {
        throw new TlsException("client key " + keyFile + " does not belong to client certificate " + certFile
            + " (key/cert mismatch: the pair was mixed up or one of them was replaced)");
      }
      return;
    }
    String sigAlg = switch (certAlg) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> certAlg;
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(sigAlg);
      signer.initSign(key);
      signer.update(challenge);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(sigAlg);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(challenge);
      if (!verifier.verify(sig)) {
        throw new TlsException("client key " + keyFile + " does not belong to client certificate " + certFile
            + " (key/cert mismatch: the pair was mixed up or one of them was replaced)");
      }
    } catch (GeneralSecurityException e) {
      throw new TlsException("client key " + keyFile + " does not belong to client certificate " + certFile
          + ": " + e.getMessage(), e);
    }
  }
}
