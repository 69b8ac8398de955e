package dev.etcddr.crypt;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA-256 (RFC 5869) with a 32-byte output, the only length age asks for: one HMAC block. */
final class Hkdf {
  static final int LENGTH = 32;

  private Hkdf() {}

  static byte[] sha256(byte[] ikm, byte[] salt, String info) {
    // RFC 5869 2.2: an empty salt is a hash-length string of zeros (HMAC would pad it so anyway, but the JDK
    // refuses an empty key).
    byte[] prk = hmac(salt.length == 0 ? new byte[LENGTH] : salt, ikm);
    byte[] infoBytes = info.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] t1 = new byte[infoBytes.length + 1];
    System.arraycopy(infoBytes, 0, t1, 0, infoBytes.length);
    t1[infoBytes.length] = 1;
    return hmac(prk, t1);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no HmacSHA256", e);
    }
  }
}
