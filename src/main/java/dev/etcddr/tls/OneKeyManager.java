package dev.etcddr.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers the one client certificate and key already loaded. The JDK's way to the same end, a PKCS12 key store in
 * memory behind a KeyManagerFactory, encrypts the key with PBKDF2 when it is put in and decrypts it when it is taken
 * out: 10,000 HMAC rounds each way in a JVM that has not compiled them yet, which made up a third of the CPU time of
 * a `cluster health` call against three members (one store for the probe and one for gRPC, per member).
 * <p>
 * Every client-certificate request is answered with this certificate if the key's algorithm fits the asked type,
 * whatever CAs the server names: etcd then accepts it or refuses it with an alert that {@link TlsProbe} turns into
 * "refused the client certificate ...", which says more than sending none would.
 */
final class OneKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "client";
  private final PrivateKey key;
  private final X509Certificate[] chain;

  OneKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = chain.toArray(new X509Certificate[0]);
  }

  /** "RSA" fits RSA; "EC", "EC_RSA" and "EC_EC" fit EC: a key type is named by its key algorithm first. */
  private boolean fits(String keyType) {
    String alg = key.getAlgorithm();
    return keyType != null && (keyType.equals(alg) || keyType.startsWith(alg + "_")
        || ("RSA".equals(alg) && keyType.equals("RSASSA-PSS")));
  }

  private String choose(String[] keyTypes) {
    return keyTypes != null && Arrays.stream(keyTypes).anyMatch(this::fits) ? ALIAS : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return fits(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  /** A client only: it never serves. */
  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
