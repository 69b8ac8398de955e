package dev.etcddr.crypt;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 7539) with one key and a nonce per call, no associated data. The JDK's decrypt holds
 * back all plaintext until the tag has been checked, which is what lets a chunk be released only once verified.
 */
final class Aead {
  static final int TAG = 16;
  static final int NONCE = 12;

  private final SecretKeySpec key;
  private final Cipher cipher;

  Aead(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
    try {
      this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no ChaCha20-Poly1305", e);
    }
  }

  /** Writes {@code len + TAG} bytes to {@code out} at {@code outOff}. */
  int seal(byte[] nonce, byte[] in, int off, int len, byte[] out, int outOff) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
      return cipher.doFinal(in, off, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  /** The plaintext length written to {@code out}, or -1 when the tag does not match (wrong key or changed bytes). */
  int open(byte[] nonce, byte[] in, int off, int len, byte[] out, int outOff) {
    if (len < TAG) {
      return -1;
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
      return cipher.doFinal(in, off, len, out, outOff);
    } catch (AEADBadTagException e) {
      return -1;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 decryption failed", e);
    }
  }

  /** age's key wrapping: a key used once, so the nonce is fixed at zero. */
  static byte[] sealOnce(byte[] key, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + TAG];
    new Aead(key).seal(new byte[NONCE], plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /** The plaintext, or null when the tag does not match. */
  static byte[] openOnce(byte[] key, byte[] sealed) {
    if (sealed.length < TAG) {
      return null;
    }
    byte[] out = new byte[sealed.length - TAG];
    return new Aead(key).open(new byte[NONCE], sealed, 0, sealed.length, out, 0) < 0 ? null : out;
  }
}
