package dev.etcddr.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys in every form kubeadm and openssl write: PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}, kubeadm's default), PKCS#8 ({@code BEGIN PRIVATE KEY}) and SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}). Netty reads only PKCS#8, so every key is turned into a JDK {@link PrivateKey}
 * here and handed over as an object.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private PemFiles() {}

  private record Block(String type, byte[] der) {}

  public static List<X509Certificate> certificates(Path file, String role) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file, role)) {
        if (b.type.equals("CERTIFICATE")) {
          certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der)));
        }
      }
    } catch (CertificateException e) {
      throw new TlsException(role + " " + file + ": not a valid X.509 certificate: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new TlsException(role + " " + file + ": no PEM certificate (BEGIN CERTIFICATE) in the file");
    }
    return certs;
  }

  public static PrivateKey privateKey(Path file, String role) {
    for (Block b : blocks(file, role)) {
      try {
        switch (b.type) {
          case "PRIVATE KEY":
            return pkcs8(b.der);
          case "RSA PRIVATE KEY":
            return pkcs8(wrapPkcs1Rsa(b.der));
          case "EC PRIVATE KEY":
            return pkcs8(wrapSec1Ec(b.der, file, role));
          case "ENCRYPTED PRIVATE KEY":
            throw new TlsException(role + " " + file + ": the key is encrypted; etcd-dr needs an unencrypted key"
                + " (kubeadm writes them unencrypted)");
          default:
            // EC PARAMETERS and other blocks may precede the key; keep looking.
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new TlsException(role + " " + file + ": the " + b.type + " block cannot be read: " + e.getMessage(), e);
      }
    }
    throw new TlsException(role + " " + file + ": no private key block (BEGIN RSA PRIVATE KEY, BEGIN PRIVATE KEY"
        + " or BEGIN EC PRIVATE KEY) in the file");
  }

  private static List<Block> blocks(Path file, String role) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new TlsException(role + " " + file + ": file not found");
    } catch (AccessDeniedException e) {
      throw new TlsException(role + " " + file + ": permission denied (run as root on a control-plane host?)");
    } catch (IOException e) {
      throw new TlsException(role + " " + file + ": cannot be read: " + e.getMessage(), e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new TlsException(role + " " + file + ": the " + m.group(1) + " block is not valid base64");
      }
    }
    if (out.isEmpty()) {
      throw new TlsException(role + " " + file + ": not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    String alg = algorithmOf(der);
    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** The algorithm OID inside a PKCS#8 PrivateKeyInfo, as a JDK KeyFactory name. */
  private static String algorithmOf(byte[] pkcs8) {
    Der.Reader top = new Der.Reader(pkcs8, 0, pkcs8.length);
    int[] seq = top.next();
    Der.Reader info = new Der.Reader(pkcs8, seq[1], seq[2]);
    info.next(); // version
    int[] algId = info.next();
    Der.Reader alg = new Der.Reader(pkcs8, algId[1], algId[2]);
    int[] oid = alg.next();
    byte[] oidBytes = Arrays.copyOfRange(pkcs8, oid[1], oid[2]);
    if (Arrays.equals(oidBytes, Der.RSA_ENCRYPTION_OID)) {
      return "RSA";
    }
    if (Arrays.equals(oidBytes, Der.EC_PUBLIC_KEY_OID)) {
      return "EC";
    }
    if (oidBytes.length == 3 && oidBytes[0] == 0x2b && oidBytes[1] == 0x65 && oidBytes[2] == 0x70) {
      return "Ed25519";
    }
    throw new IllegalArgumentException("unsupported key algorithm (only RSA, EC and Ed25519 keys)");
  }

  /** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo { 0, {rsaEncryption, NULL}, OCTET STRING pkcs1 }. */
  static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
    byte[] algId = Der.tlv(Der.SEQUENCE, Der.tlv(Der.OID, Der.RSA_ENCRYPTION_OID), new byte[] {Der.NULL, 0});
    return Der.tlv(Der.SEQUENCE, new byte[] {Der.INTEGER, 1, 0}, algId, Der.tlv(Der.OCTET_STRING, pkcs1));
  }

  /**
   * SEC1 ECPrivateKey → PKCS#8. The curve OID sits in the SEC1 structure's {@code [0]} parameters, and PKCS#8 wants
   * it in the algorithm identifier instead.
   */
  static byte[] wrapSec1Ec(byte[] sec1, Path file, String role) {
    Der.Reader top = new Der.Reader(sec1, 0, sec1.length);
    int[] seq = top.next();
    Der.Reader fields = new Der.Reader(sec1, seq[1], seq[2]);
    byte[] curve = null;
    while (fields.hasNext()) {
      int[] f = fields.next();
      if (f[0] == 0xa0) {
        Der.Reader params = new Der.Reader(sec1, f[1], f[2]);
        int[] oid = params.next();
        if (oid[0] == Der.OID) {
          curve = Arrays.copyOfRange(sec1, oid[1], oid[2]);
        }
      }
    }
    if (curve == null) {
      throw new TlsException(role + " " + file + ": the EC key does not name its curve (no [0] parameters)");
    }
    byte[] algId = Der.tlv(Der.SEQUENCE, Der.tlv(Der.OID, Der.EC_PUBLIC_KEY_OID), Der.tlv(Der.OID, curve));
    return Der.tlv(Der.SEQUENCE, new byte[] {Der.INTEGER, 1, 0}, algId, Der.tlv(Der.OCTET_STRING, sec1));
  }
}
