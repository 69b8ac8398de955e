package dev.etcddr.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys and certificates made by openssl (through the lab's pki script), read by our PEM code. */
class PemFilesTest {
  @TempDir
  static Path dir;

  static TestPki pki;

  @BeforeAll
  static void makePki() {
    pki = TestPki.forHosts(dir.resolve("pki"), Map.of("cp1", "127.0.2.1"));
  }

  private static final Clock NOW = Clock.systemUTC();

  @Test
  void kubeadm_keys_are_pkcs1_and_load() throws IOException {
    Path key = pki.pkiDir("cp1").resolve("apiserver-etcd-client.key");
    assertTrue(Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "kubeadm writes PKCS#1");
    ClientTls tls = ClientTls.load(pki.caCert(), pki.pkiDir("cp1").resolve("apiserver-etcd-client.crt"), key, NOW);
    assertEquals("RSA", tls.key().getAlgorithm());
  }

  @ParameterizedTest
  @ValueSource(strings = {"rsa-pkcs1", "rsa-pkcs8", "ec-sec1"})
  void every_key_form_openssl_writes_loads_and_matches_its_certificate(String alg) throws IOException {
    Path[] pair = pki.client("client-" + alg, alg, false);
    String header = Files.readString(pair[1]).lines().findFirst().orElseThrow();
    assertEquals(switch (alg) {
      case "rsa-pkcs1" -> "-----BEGIN RSA PRIVATE KEY-----";
      case "rsa-pkcs8" -> "-----BEGIN PRIVATE KEY-----";
      default -> "-----BEGIN EC PRIVATE KEY-----";
    }, header);
    ClientTls tls = ClientTls.load(pki.caCert(), pair[0], pair[1], NOW);
    assertEquals(alg.startsWith("ec") ? "EC" : "RSA", tls.key().getAlgorithm());
  }

  @Test
  void a_key_from_another_pair_is_a_mismatch_naming_both_files() {
    Path cert = pki.pkiDir("cp1").resolve("apiserver-etcd-client.crt");
    Path otherKey = pki.pkiDir("cp1").resolve("etcd/server.key");
    TlsException e = assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), cert, otherKey, NOW));
    assertTrue(e.getMessage().contains("does not belong to client certificate " + cert), e.getMessage());
    assertTrue(e.getMessage().contains(otherKey.toString()), e.getMessage());
  }

  @Test
  void an_ec_key_with_an_rsa_certificate_is_a_mismatch() {
    Path[] ec = pki.client("ec-for-mismatch", "ec-sec1", false);
    Path rsaCert = pki.pkiDir("cp1").resolve("apiserver-etcd-client.crt");
    TlsException e = assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), rsaCert, ec[1], NOW));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
  }

  @Test
  void an_expired_certificate_is_refused_with_its_end_date() {
    Path[] pair = pki.client("expired", "rsa-pkcs1", true);
    TlsException e = assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), pair[0], pair[1], NOW));
    assertTrue(e.getMessage().contains("expired on 2020-01-02T00:00:00Z"), e.getMessage());
  }

  @Test
  void a_certificate_not_yet_valid_points_at_the_clock() {
    Path cert = pki.pkiDir("cp1").resolve("apiserver-etcd-client.crt");
    Path key = pki.pkiDir("cp1").resolve("apiserver-etcd-client.key");
    Clock past = Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC);
    TlsException e = assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), cert, key, past));
    assertTrue(e.getMessage().contains("check this host's clock"), e.getMessage());
  }

  @Test
  void unreadable_files_name_the_file_and_the_problem() throws IOException {
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "hello\n");
    Path cert = pki.pkiDir("cp1").resolve("apiserver-etcd-client.crt");
    Path key = pki.pkiDir("cp1").resolve("apiserver-etcd-client.key");
    assertTrue(assertThrows(TlsException.class, () -> ClientTls.load(dir.resolve("none.crt"), cert, key, NOW))
        .getMessage().contains("none.crt: file not found"));
    assertTrue(assertThrows(TlsException.class, () -> ClientTls.load(garbage, cert, key, NOW))
        .getMessage().contains("not a PEM file"));
    assertTrue(assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), key, key, NOW))
        .getMessage().contains("no PEM certificate"));
    assertTrue(assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), cert, cert, NOW))
        .getMessage().contains("no private key block"));
    Path broken = dir.resolve("broken.key");
    Files.writeString(broken, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertTrue(assertThrows(TlsException.class, () -> ClientTls.load(pki.caCert(), cert, broken, NOW))
        .getMessage().contains("cannot be read"));
  }
}
