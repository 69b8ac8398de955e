package dev.etcddr.crypt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An X25519 secret key, written {@code AGE-SECRET-KEY-1...}: what opens a file encrypted to its {@link
 * #recipient()}. Its {@link #toString()} shows the recipient only; the secret is written out only by {@link
 * #encoded()}.
 */
public final class AgeIdentity {
  static final String HRP = "AGE-SECRET-KEY-";

  private final byte[] scalar;
  private final AgeRecipient recipient;

  private AgeIdentity(byte[] scalar) {
    this.scalar = scalar.clone();
    this.recipient = new AgeRecipient(X25519.publicKey(scalar));
  }

  /** A new identity from the system's strong random source, as {@code age-keygen} makes one. */
  public static AgeIdentity generate() {
    byte[] scalar = new byte[X25519.KEY_LENGTH];
    new SecureRandom().nextBytes(scalar);
    AgeIdentity id = new AgeIdentity(scalar);
    Arrays.fill(scalar, (byte) 0);
    return id;
  }

  /**
   * Parses one {@code AGE-SECRET-KEY-1...} line.
   *
   * @throws AgeException naming what is wrong, never quoting the text (it may be most of a secret)
   */
  public static AgeIdentity parse(String text) {
    String s = text.strip();
    if (s.startsWith("AGE-PLUGIN-")) {
      throw new AgeKeyException("not an X25519 age identity: plugin identities (AGE-PLUGIN-...) are not supported"
          + " here");
    }
    Bech32.Decoded d;
    try {
      d = Bech32.decode(s);
    } catch (IllegalArgumentException e) {
      throw new AgeKeyException("not an age identity: " + e.getMessage());
    }
    if (!d.hrp().equals(HRP)) {
      String why = d.hrp().equalsIgnoreCase(HRP) ? "is in lower case; age writes AGE-SECRET-KEY-1... in upper case"
          : "does not start with AGE-SECRET-KEY-1";
      throw new AgeKeyException("not an X25519 age identity: it " + why);
    }
    if (d.data().length != X25519.KEY_LENGTH) {
      throw new AgeKeyException("not an age identity: it holds " + d.data().length + " bytes, not the 32 of an X25519"
          + " key");
    }
    return new AgeIdentity(d.data());
  }

  /**
   * Reads a key file as {@code age-keygen -o} writes it: lines starting with '#' and blank lines are skipped, every
   * other line is one identity.
   *
   * @throws AgeException when the file cannot be read, a line is not an identity (by number), or there is none
   */
  public static List<AgeIdentity> readFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AgeKeyException("cannot read age identity file " + file + ": " + e, e);
    }
    List<AgeIdentity> ids = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        ids.add(parse(line));
      } catch (AgeException e) {
        throw new AgeKeyException(file + " line " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (ids.isEmpty()) {
      throw new AgeKeyException("age identity file " + file + " has no AGE-SECRET-KEY-1... line");
    }
    return List.copyOf(ids);
  }

  public AgeRecipient recipient() {
    return recipient;
  }

  /** The {@code AGE-SECRET-KEY-1...} line, for a key file; the secret itself, so handle it as one. */
  public String encoded() {
    return Bech32.encode(HRP, scalar).toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The file key in {@code stanza} if it was wrapped for this identity, null if the stanza is of another type or
   * for another key.
   *
   * @param number the stanza's place in the header, from 1, for messages
   * @throws AgeException when an X25519 stanza is malformed or its share is of small order
   */
  byte[] unwrap(Stanza stanza, int number) {
    if (!stanza.type().equals(AgeRecipient.STANZA_TYPE)) {
      return null;
    }
    if (stanza.args().size() != 2) {
      throw new AgeException("stanza " + number + " (X25519) has " + (stanza.args().size() - 1)
          + " arguments, not 1: the file's header is damaged");
    }
    byte[] share = RawBase64.decode(stanza.args().get(1), "stanza " + number + "'s X25519 share");
    byte[] body = stanza.body();
    // Both lengths are checked before any decryption, as the spec asks against partitioning oracles.
    if (share.length != X25519.KEY_LENGTH || body.length != 32) {
      throw new AgeException("stanza " + number + " (X25519) has a " + share.length + "-byte share and a "
          + body.length + "-byte body, not 32 and 32: the file's header is damaged");
    }
    byte[] shared = X25519.sharedSecret(scalar, share);
    if (shared == null) {
      throw new AgeException("stanza " + number + " (X25519) has a share of small order (an all-zero shared"
          + " secret): the file was made to attack a decryptor, or is damaged");
    }
    return Aead.openOnce(AgeRecipient.wrapKey(shared, share, recipient.publicKey()), body);
  }

  @Override
  public String toString() {
    return "age identity of " + recipient;
  }
}
