package dev.etcddr.crypt;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Plaintexts, and the Java side of a round trip, done the way a streaming caller would. */
final class AgeFixtures {
  static final int CHUNK = 64 * 1024;

  /** What a decryption handed out before it failed, and how it failed (null if it did not). */
  record Partial(byte[] released, AgeException failure) {}

  private AgeFixtures() {}

  /** Reproducible bytes: the same size gives the same content in every run. */
  static byte[] data(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  /** Encrypts in uneven writes (1000 bytes, then 1) so chunk boundaries fall inside writes. */
  static byte[] encrypt(byte[] plain, List<AgeRecipient> recipients) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AgeEncryptor enc = AgeEncryptor.open(out, recipients)) {
      int off = 0;
      boolean big = true;
      while (off < plain.length) {
        int n = Math.min(big ? 1000 : 1, plain.length - off);
        enc.write(plain, off, n);
        off += n;
        big = !big;
      }
      enc.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] decrypt(byte[] file, List<AgeIdentity> identities) {
    Partial p = decryptUntilFailure(file, identities);
    if (p.failure() != null) {
      throw p.failure();
    }
    return p.released();
  }

  /** Reads in 4 KiB reads and keeps what came out before an {@link AgeException}. */
  static Partial decryptUntilFailure(byte[] file, List<AgeIdentity> identities) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    try (AgeDecryptor dec = AgeDecryptor.open(new ByteArrayInputStream(file), identities)) {
      byte[] buf = new byte[4096];
      for (int n = dec.read(buf); n >= 0; n = dec.read(buf)) {
        released.write(buf, 0, n);
      }
    } catch (AgeException e) {
      return new Partial(released.toByteArray(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Partial(released.toByteArray(), null);
  }

  static byte[] flip(byte[] file, int at) {
    byte[] copy = file.clone();
    copy[at] ^= 0x01;
    return copy;
  }

  static byte[] cut(byte[] file, int bytes) {
    return Arrays.copyOf(file, file.length - bytes);
  }

  /** Where the payload starts: after the header's MAC line and the 16-byte nonce. */
  static int payloadStart(byte[] file) {
    String text = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
    int mac = text.indexOf("\n--- ");
    return text.indexOf('\n', mac + 1) + 1 + 16;
  }
}
