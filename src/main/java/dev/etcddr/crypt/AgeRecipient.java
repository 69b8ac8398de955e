package dev.etcddr.crypt;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/** An X25519 public key, written {@code age1...}: what a file is encrypted to. */
public final class AgeRecipient {
  static final String HRP = "age";
  static final String STANZA_TYPE = "X25519";
  static final String WRAP_INFO = "age-encryption.org/v1/X25519";

  private final byte[] publicKey;

  AgeRecipient(byte[] publicKey) {
    this.publicKey = publicKey.clone();
  }

  /**
   * Parses an {@code age1...} recipient as {@code age-keygen -y} prints it.
   *
   * @throws AgeException naming what is wrong; a secret key passed by mistake is not echoed
   */
  public static AgeRecipient parse(String text) {
    String s = text.strip();
    if (s.toUpperCase(java.util.Locale.ROOT).startsWith(AgeIdentity.HRP)) {
      throw new AgeKeyException("not an age recipient: this is a secret key (AGE-SECRET-KEY-1...); give its public"
          + " key, printed by 'age-keygen -y', instead");
    }
    if (s.startsWith("ssh-")) {
      throw new AgeKeyException("not an age recipient: SSH keys as recipients are not supported here, only X25519"
          + " (age1...)");
    }
    Bech32.Decoded d;
    try {
      d = Bech32.decode(s);
    } catch (IllegalArgumentException e) {
      throw new AgeKeyException("not an age recipient: '" + excerpt(s) + "': " + e.getMessage());
    }
    if (!d.hrp().equals(HRP)) {
      throw new AgeKeyException("not an X25519 age recipient: '" + excerpt(s) + "' starts '" + d.hrp()
          + "1', not 'age1' (only X25519 recipients in lower case are supported here)");
    }
    if (d.data().length != X25519.KEY_LENGTH) {
      throw new AgeKeyException("not an age recipient: '" + excerpt(s) + "' holds " + d.data().length
          + " bytes, not the 32 of an X25519 key");
    }
    return new AgeRecipient(d.data());
  }

  private static String excerpt(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /**
   * The stanza that carries {@code fileKey} to this recipient: a fresh ephemeral key, X25519 with ours, and the
   * file key sealed under the key derived from that shared secret.
   */
  Stanza wrap(byte[] fileKey, SecureRandom random) {
    byte[] ephemeral = new byte[X25519.KEY_LENGTH];
    random.nextBytes(ephemeral);
    byte[] share = X25519.publicKey(ephemeral);
    byte[] shared = X25519.sharedSecret(ephemeral, publicKey);
    Arrays.fill(ephemeral, (byte) 0);
    if (shared == null) {
      throw new AgeKeyException("age recipient " + this + " is not a usable X25519 key (a point of small order): no"
          + " secret can be agreed with it; check where it was copied from");
    }
    byte[] body = Aead.sealOnce(wrapKey(shared, share, publicKey), fileKey);
    return new Stanza(List.of(STANZA_TYPE, RawBase64.encode(share)), body);
  }

  static byte[] wrapKey(byte[] shared, byte[] share, byte[] recipientKey) {
    byte[] salt = new byte[share.length + recipientKey.length];
    System.arraycopy(share, 0, salt, 0, share.length);
    System.arraycopy(recipientKey, 0, salt, share.length, recipientKey.length);
    return Hkdf.sha256(shared, salt, WRAP_INFO);
  }

  byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgeRecipient r && Arrays.equals(publicKey, r.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  /** The {@code age1...} form, as {@code age-keygen -y} prints it. */
  @Override
  public String toString() {
    return Bech32.encode(HRP, publicKey);
  }
}
