package dev.etcddr.crypt;

/**
 * The STREAM construction of the age payload: 64 KiB chunks, each sealed under the payload key with a nonce of
 * an 11-byte big-endian chunk counter and a last-chunk flag. The flag is what makes cutting a file at a chunk
 * boundary detectable; the counter is what makes reordering chunks detectable.
 */
final class Payload {
  static final int CHUNK = 64 * 1024;
  static final int SEALED_CHUNK = CHUNK + Aead.TAG;
  static final int NONCE_LENGTH = 16;

  private Payload() {}

  static byte[] key(byte[] fileKey, byte[] payloadNonce) {
    return Hkdf.sha256(fileKey, payloadNonce, "payload");
  }

  /** Fills {@code nonce} (12 bytes) for chunk {@code index}, counted from 0. */
  static void chunkNonce(byte[] nonce, long index, boolean last) {
    // A long covers the low 8 of the 11 counter bytes; 2^63 chunks of 64 KiB is beyond any file.
    java.util.Arrays.fill(nonce, 0, 3, (byte) 0);
    for (int i = 0; i < 8; i++) {
      nonce[3 + i] = (byte) (index >>> (8 * (7 - i)));
    }
    nonce[11] = (byte) (last ? 1 : 0);
  }
}
