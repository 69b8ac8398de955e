package dev.etcddr.packing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a file is, from its first bytes: a zstd frame ({@code 28 b5 2f fd}), an age file (its header line
 * {@code age-encryption.org/v1}, or the armored form, which the decryptor refuses by name), or neither. Inside an
 * age file a zstd frame may follow; the reverse order is not written by {@code pack}.
 */
enum Layers {
  RAW,
  ZSTD,
  AGE;

  /** Bytes enough to tell the three apart. */
  static final int HEAD = 64;
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
  private static final byte[] AGE_MAGIC = "age-encryption.org/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AGE_ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----".getBytes(StandardCharsets.US_ASCII);

  static Layers of(byte[] head, int length) {
    if (startsWith(head, length, ZSTD_MAGIC)) {
      return ZSTD;
    }
    if (startsWith(head, length, AGE_MAGIC) || startsWith(head, length, AGE_ARMOR)) {
      return AGE;
    }
    return RAW;
  }

  private static boolean startsWith(byte[] head, int length, byte[] magic) {
    return length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
  }
}
