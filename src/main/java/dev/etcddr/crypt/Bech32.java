package dev.etcddr.crypt;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173) as age uses it: no length limit on the data part, all upper or all lower case, the checksum
 * over the lower-case form. Only the original Bech32 constant; age keys are not Bech32m.
 */
final class Bech32 {
  private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

  /** A decoded string: its human-readable part as written (so its case can be checked) and the data bytes. */
  record Decoded(String hrp, byte[] data) {}

  private Bech32() {}

  /** Encodes in lower case; age's identities are then upper-cased by the caller. */
  static String encode(String hrp, byte[] data) {
    String lowerHrp = hrp.toLowerCase(Locale.ROOT);
    byte[] values = regroup(data, 8, 5, true);
    int polymod = polymod(lowerHrp, values, new byte[6]) ^ 1;
    StringBuilder s = new StringBuilder(lowerHrp).append('1');
    for (byte v : values) {
      s.append(CHARSET.charAt(v));
    }
    for (int i = 0; i < 6; i++) {
      s.append(CHARSET.charAt((polymod >>> (5 * (5 - i))) & 31));
    }
    return s.toString();
  }

  /**
   * Decodes and checks the checksum.
   *
   * @throws IllegalArgumentException with a reason that fits after "not a valid key: "
   */
  static Decoded decode(String s) {
    if (!s.equals(s.toLowerCase(Locale.ROOT)) && !s.equals(s.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException("mixed upper and lower case");
    }
    int sep = s.lastIndexOf('1');
    if (sep < 1 || sep + 7 > s.length()) {
      throw new IllegalArgumentException("no '1' separator followed by a 6-character checksum");
    }
    String lower = s.toLowerCase(Locale.ROOT);
    for (int i = 0; i < sep; i++) {
      if (lower.charAt(i) < 33 || lower.charAt(i) > 126) {
        throw new IllegalArgumentException("character " + (i + 1) + " is not printable ASCII");
      }
    }
    byte[] values = new byte[s.length() - sep - 1];
    for (int i = 0; i < values.length; i++) {
      int v = CHARSET.indexOf(lower.charAt(sep + 1 + i));
      if (v < 0) {
        // The position, never the character: this may be a secret key.
        throw new IllegalArgumentException("character " + (sep + 2 + i) + " is not in the Bech32 set");
      }
      values[i] = (byte) v;
    }
    byte[] payload = new byte[values.length - 6];
    System.arraycopy(values, 0, payload, 0, payload.length);
    byte[] checksum = new byte[6];
    System.arraycopy(values, payload.length, checksum, 0, 6);
    if (polymod(lower.substring(0, sep), payload, checksum) != 1) {
      throw new IllegalArgumentException("checksum does not match (a character was mistyped or lost)");
    }
    return new Decoded(s.substring(0, sep), regroup(payload, 5, 8, false));
  }

  private static int polymod(String hrp, byte[] values, byte[] checksum) {
    int chk = 1;
    for (int i = 0; i < hrp.length(); i++) {
      chk = step(chk, hrp.charAt(i) >> 5);
    }
    chk = step(chk, 0);
    for (int i = 0; i < hrp.length(); i++) {
      chk = step(chk, hrp.charAt(i) & 31);
    }
    for (byte v : values) {
      chk = step(chk, v);
    }
    for (byte v : checksum) {
      chk = step(chk, v);
    }
    return chk;
  }

  private static int step(int chk, int value) {
    int top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (int i = 0; i < 5; i++) {
      if (((top >>> i) & 1) != 0) {
        chk ^= GENERATOR[i];
      }
    }
    return chk;
  }

  /** BIP 173's convertbits: leftover bits are padded on encode and must be fewer than a group, all zero, on decode. */
  private static byte[] regroup(byte[] in, int fromBits, int toBits, boolean pad) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int acc = 0;
    int bits = 0;
    int max = (1 << toBits) - 1;
    for (byte b : in) {
      acc = (acc << fromBits) | (b & 0xff);
      bits += fromBits;
      while (bits >= toBits) {
        bits -= toBits;
        out.write((acc >>> bits) & max);
      }
    }
    if (pad) {
      if (bits > 0) {
        out.write((acc << (toBits - bits)) & max);
      }
    } else if (bits >= fromBits || ((acc << (toBits - bits)) & max) != 0) {
      throw new IllegalArgumentException("the data part does not end on a whole byte (non-zero padding)");
    }
    return out.toByteArray();
  }
}
