package dev.etcddr.crypt;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encrypts to age recipients while the bytes are written: the header goes out in {@link #open}, then one sealed
 * chunk per 64 KiB, so memory stays at two 64 KiB buffers whatever the size.
 *
 * <p>The file is complete only after {@link #finish()}, which seals the final chunk. {@link #close()} without it
 * closes the target and leaves the file without a final chunk, which every age decryptor refuses as cut short.
 * That is on purpose: a writer that failed half way and is closed by try-with-resources must not leave a file that
 * decrypts, without complaint, to the first half.
 */
public final class AgeEncryptor extends OutputStream {
  private final OutputStream out;
  private final Aead aead;
  private final byte[] plain = new byte[Payload.CHUNK];
  private final byte[] sealed = new byte[Payload.SEALED_CHUNK];
  private final byte[] nonce = new byte[Aead.NONCE];
  private int fill;
  private long chunkIndex;
  private long written;
  private boolean finished;
  private boolean closed;
  private boolean failed;

  private AgeEncryptor(OutputStream out, byte[] payloadKey) {
    this.out = out;
    this.aead = new Aead(payloadKey);
  }

  /**
   * Writes the header for {@code recipients} and the payload nonce to {@code out}, and returns the stream to
   * write the plaintext to. It owns {@code out} from here: {@link #close()} closes it, and so does a failure of
   * this call.
   */
  public static AgeEncryptor open(OutputStream out, List<AgeRecipient> recipients) throws IOException {
    Objects.requireNonNull(out, "out");
    try {
      return openOwned(out, recipients);
    } catch (IOException | RuntimeException e) {
      try {
        out.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static AgeEncryptor openOwned(OutputStream out, List<AgeRecipient> recipients) throws IOException {
    if (recipients.isEmpty()) {
      throw new AgeKeyException("no age recipient to encrypt to");
    }
    SecureRandom random = new SecureRandom();
    byte[] fileKey = new byte[AgeHeader.FILE_KEY_LENGTH];
    random.nextBytes(fileKey);
    List<Stanza> stanzas = new ArrayList<>();
    for (AgeRecipient r : recipients) {
      stanzas.add(r.wrap(fileKey, random));
    }
    AgeHeader.write(out, stanzas, fileKey);
    byte[] payloadNonce = new byte[Payload.NONCE_LENGTH];
    random.nextBytes(payloadNonce);
    out.write(payloadNonce);
    AgeEncryptor e = new AgeEncryptor(out, Payload.key(fileKey, payloadNonce));
    Arrays.fill(fileKey, (byte) 0);
    return e;
  }

  @Override
  public void write(int b) throws IOException {
    if (fill < Payload.CHUNK && !closed && !finished && !failed) {
      plain[fill++] = (byte) b;
      return;
    }
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureWritable();
    while (len > 0) {
      // A full chunk is sealed only when more data arrives: until then it may be the final one.
      if (fill == Payload.CHUNK) {
        seal(false);
      }
      int n = Math.min(len, Payload.CHUNK - fill);
      System.arraycopy(b, off, plain, fill, n);
      fill += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Seals what is buffered as the final chunk (empty only if nothing was written) and flushes; the target stays
   * open, so a caller can fsync it before closing.
   */
  public void finish() throws IOException {
    ensureWritable();
    seal(true);
    finished = true;
    out.flush();
  }

  /** The plaintext bytes taken so far. */
  public long plaintextBytes() {
    return written + fill;
  }

  /** Flushes the target; a partly filled chunk stays buffered, since sealing it would end or break the stream. */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      Arrays.fill(plain, (byte) 0);
      out.close();
    }
  }

  private void ensureWritable() throws IOException {
    if (closed) {
      throw new IOException("age encryptor is closed");
    }
    if (finished) {
      throw new IOException("age encryptor is finished: its final chunk is written");
    }
    if (failed) {
      throw new IOException("age encryptor failed to write a chunk earlier; the file is incomplete");
    }
  }

  private void seal(boolean last) throws IOException {
    Payload.chunkNonce(nonce, chunkIndex++, last);
    int n = aead.seal(nonce, plain, 0, fill, sealed, 0);
    try {
      out.write(sealed, 0, n);
    } catch (IOException e) {
      // Whether the chunk got out is unknown: the stream cannot go on (and never seals under a nonce twice).
      failed = true;
      throw e;
    }
    written += fill;
    fill = 0;
  }
}
