package dev.etcddr.snapshot;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks etcd's snapshot trailer while the bytes stream past: the last 32 bytes of a snapshot are the SHA-256 of
 * everything before them. The end is unknown until the stream ends, so the newest 32 bytes are held back and only
 * bytes that are certainly not part of the trailer are fed to the digest. The SHA-256 of the whole file comes from
 * the same pass: a copy of the digest state after the body, fed the 32 trailer bytes.
 */
final class TrailerDigest {
  static final int TRAILER = 32;

  private final MessageDigest body = sha256();
  private String wholeFileSha256;
  private final byte[] tail = new byte[TRAILER];
  private int tailLength;
  private long total;

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  void update(ByteBuffer chunk) {
    int n = chunk.remaining();
    total += n;
    if (n >= TRAILER) {
      body.update(tail, 0, tailLength);
      ByteBuffer head = chunk.duplicate();
      head.limit(head.position() + n - TRAILER);
      body.update(head);
      chunk.duplicate().position(chunk.position() + n - TRAILER).get(tail, 0, TRAILER);
      tailLength = TRAILER;
    } else {
      int overflow = Math.max(0, tailLength + n - TRAILER);
      body.update(tail, 0, overflow);
      System.arraycopy(tail, overflow, tail, 0, tailLength - overflow);
      tailLength -= overflow;
      chunk.duplicate().get(tail, tailLength, n);
      tailLength += n;
    }
  }

  long total() {
    return total;
  }

  /** Throws unless the stream ended with a trailer that matches the data before it. */
  void verify(String source) {
    // bbolt files are whole pages (multiples of 512), so data + trailer leaves exactly 32 over.
    if (total % 512 != TRAILER || tailLength != TRAILER) {
      throw new SnapshotIntegrityException("snapshot from " + source + " has no SHA-256 trailer (" + total
          + " bytes, not a whole number of pages plus 32): the stream was cut short");
    }
    MessageDigest whole;
    try {
      whole = (MessageDigest) body.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned in this JVM", e);
    }
    whole.update(tail, 0, tailLength);
    wholeFileSha256 = HexFormat.of().formatHex(whole.digest());
    byte[] computed = body.digest();
    if (!MessageDigest.isEqual(computed, tail)) {
      throw new SnapshotIntegrityException("snapshot from " + source + " failed its SHA-256 check: trailer "
          + HexFormat.of().formatHex(tail) + ", data hashes to " + HexFormat.of().formatHex(computed));
    }
  }

  /** Available after a successful {@link #verify}. */
  String wholeFileSha256() {
    if (wholeFileSha256 == null) {
      throw new IllegalStateException("verify() first");
    }
    return wholeFileSha256;
  }
}
