package dev.etcddr.crypt;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * RFC 7748's X25519 function on raw 32-byte strings, done by the JDK's {@code XDH}. The JDK clamps the scalar
 * itself (RFC 7748 decodeScalar25519), so age's unclamped identities go in as they are.
 */
final class X25519 {
  static final int KEY_LENGTH = 32;
  private static final byte[] BASEPOINT = basepoint();

  private X25519() {}

  private static byte[] basepoint() {
    byte[] u = new byte[KEY_LENGTH];
    u[0] = 9;
    return u;
  }

  /** The public key of a scalar: X25519(scalar, 9). The JDK has no call that derives it from a private key. */
  static byte[] publicKey(byte[] scalar) {
    byte[] pub = sharedSecret(scalar, BASEPOINT);
    if (pub == null) {
      throw new IllegalStateException("X25519 of the base point gave zero, which it cannot");
    }
    return pub;
  }

  /**
   * X25519(scalar, u), or null when the result is all zero: {@code u} is a point of small order, from which no
   * secret can be agreed (the JDK refuses it; the spec says abort).
   */
  static byte[] sharedSecret(byte[] scalar, byte[] uLittleEndian) {
    try {
      KeyFactory kf = KeyFactory.getInstance("XDH");
      PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
      PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u(uLittleEndian)));
      KeyAgreement ka = KeyAgreement.getInstance("XDH");
      ka.init(priv);
      ka.doPhase(pub, true);
      byte[] secret = ka.generateSecret();
      return isZero(secret) ? null : secret;
    } catch (InvalidKeyException e) {
      // "Point has small order": the JDK's own check for the all-zero result.
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM's XDH cannot do X25519", e);
    }
  }

  /** The u coordinate as the JDK takes it: little-endian, the top bit masked off as RFC 7748 5 requires. */
  private static BigInteger u(byte[] le) {
    if (le.length != KEY_LENGTH) {
      throw new IllegalArgumentException("an X25519 point is 32 bytes, not " + le.length);
    }
    byte[] be = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH; i++) {
      be[i] = le[KEY_LENGTH - 1 - i];
    }
    be[0] &= 0x7f;
    return new BigInteger(1, be);
  }

  private static boolean isZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }
}
