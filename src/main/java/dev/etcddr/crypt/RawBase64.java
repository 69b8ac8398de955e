package dev.etcddr.crypt;

import java.util.Base64;

/**
 * The base64 of age headers: standard alphabet, no padding, and canonical only. The JDK's decoder takes padding
 * and ignores stray low bits in the last character; the spec requires both refused (otherwise two headers with
 * different bytes would carry the same values, and the header MAC would not cover what was meant).
 */
final class RawBase64 {
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getDecoder();

  private RawBase64() {}

  static String encode(byte[] b) {
    return ENCODER.encodeToString(b);
  }

  /**
   * @throws AgeException naming {@code what} when the text is not canonical unpadded base64
   */
  static byte[] decode(String s, String what) {
    if (s.indexOf('=') >= 0) {
      throw new AgeException(what + " is padded base64 ('='); age writes it without padding");
    }
    byte[] b;
    try {
      b = DECODER.decode(s);
    } catch (IllegalArgumentException e) {
      throw new AgeException(what + " is not base64: " + e.getMessage());
    }
    if (!ENCODER.encodeToString(b).equals(s)) {
      throw new AgeException(what + " is not canonical base64 (stray bits in its last character)");
    }
    return b;
  }
}
