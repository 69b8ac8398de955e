package dev.etcddr.crypt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decrypts an age file while it is read, one 64 KiB chunk at a time. A chunk's plaintext is handed out only after
 * its tag has been checked, so a changed byte fails the read of its chunk before any of that chunk is returned.
 * What came before it was verified and may already be with the reader: a caller that must not act on a partial
 * result writes to a {@code .part} file and renames it only after the read reached end of stream.
 *
 * <p>End of stream is returned only after a chunk marked final has been verified, so a file cut short, at a chunk
 * boundary or anywhere else, fails with an {@link AgeException} instead of reading as a shorter file.
 */
public final class AgeDecryptor extends InputStream {
  private final InputStream in;
  private final Aead aead;
  private final byte[] sealed = new byte[Payload.SEALED_CHUNK];
  private final byte[] plain = new byte[Payload.CHUNK];
  private final byte[] nonce = new byte[Aead.NONCE];
  private int pos;
  private int limit;
  private long chunkIndex;
  // The byte read past a full chunk to learn whether that chunk is the last one: the format does not say.
  private int lookahead = -1;
  private boolean ended;
  private AgeException failure;
  private boolean closed;

  private AgeDecryptor(InputStream in, byte[] payloadKey) {
    this.in = in;
    this.aead = new Aead(payloadKey);
  }

  /**
   * Reads and checks the header: one of {@code identities} must open a stanza, and the header MAC must match. It
   * owns {@code in} from here: {@link #close()} closes it, and so does a failure of this call.
   *
   * @throws AgeException when it is not an age file, no identity matches, or the header was changed
   */
  public static AgeDecryptor open(InputStream in, List<AgeIdentity> identities) throws IOException {
    Objects.requireNonNull(in, "in");
    try {
      return openOwned(in, identities);
    } catch (IOException | RuntimeException e) {
      try {
        in.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static AgeDecryptor openOwned(InputStream in, List<AgeIdentity> identities) throws IOException {
    if (identities.isEmpty()) {
      throw new AgeKeyException("no age identity to decrypt with");
    }
    InputStream buffered = new BufferedInputStream(in);
    AgeHeader.Parsed header = AgeHeader.read(buffered);
    byte[] fileKey = fileKey(header.stanzas(), identities);
    AgeHeader.checkMac(header, fileKey);
    byte[] payloadNonce = buffered.readNBytes(Payload.NONCE_LENGTH);
    if (payloadNonce.length < Payload.NONCE_LENGTH) {
      throw new AgeException("the age file ends " + payloadNonce.length + " bytes after its header, inside the"
          + " 16-byte payload nonce: it was cut short");
    }
    AgeDecryptor d = new AgeDecryptor(buffered, Payload.key(fileKey, payloadNonce));
    Arrays.fill(fileKey, (byte) 0);
    return d;
  }

  private static byte[] fileKey(List<Stanza> stanzas, List<AgeIdentity> identities) {
    Set<String> types = new LinkedHashSet<>();
    for (Stanza s : stanzas) {
      types.add(s.type());
    }
    if (types.contains("scrypt")) {
      throw new AgeKeyException("the age file is encrypted with a passphrase (age -p, an scrypt stanza), which is"
          + " not supported here: encrypt it to an X25519 recipient (age -r age1...)");
    }
    for (int i = 0; i < stanzas.size(); i++) {
      for (AgeIdentity id : identities) {
        byte[] key = id.unwrap(stanzas.get(i), i + 1);
        if (key != null) {
          return key;
        }
      }
    }
    List<String> tried = new ArrayList<>();
    for (AgeIdentity id : identities) {
      tried.add(id.recipient().toString());
    }
    throw new AgeKeyException("no identity matches any of the file's " + stanzas.size() + " recipient stanza"
        + (stanzas.size() == 1 ? "" : "s") + " (" + String.join(", ", types) + "): tried the identit"
        + (tried.size() == 1 ? "y" : "ies") + " of " + String.join(", ", tried) + "; the file was encrypted to"
        + " other keys, or its header is damaged");
  }

  @Override
  public int read() throws IOException {
    if (pos < limit && !closed) {
      return plain[pos++] & 0xff;
    }
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("age decryptor is closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    while (pos == limit) {
      if (ended) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(plain, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return limit - pos;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      Arrays.fill(plain, (byte) 0);
      in.close();
    }
  }

  /** Reads, verifies and decrypts the next chunk into {@code plain}, or throws (and stays failed). */
  private void nextChunk() throws IOException {
    int n = 0;
    if (lookahead >= 0) {
      sealed[n++] = (byte) lookahead;
      lookahead = -1;
    }
    n += in.readNBytes(sealed, n, sealed.length - n);
    boolean last = true;
    if (n == sealed.length) {
      lookahead = in.read();
      last = lookahead < 0;
    }
    long number = chunkIndex + 1;
    if (n == 0) {
      throw fail("the age file ends right after its header: there is no payload chunk; it was cut short");
    }
    if (n < Aead.TAG) {
      throw fail("the age file ends " + n + " bytes into chunk " + number + ", too few for its 16-byte tag: it was"
          + " cut short");
    }
    int len = open(n, last);
    if (len < 0) {
      // Authentic under the other flag: the bytes are intact, what is wrong is where the file ends.
      if (last && n == sealed.length && open(n, false) >= 0) {
        throw fail("the age file ends after chunk " + number + ", which is not its final chunk: it was cut short"
            + " at a chunk boundary");
      }
      if (!last && open(n, true) >= 0) {
        throw fail("chunk " + number + " is the age file's final chunk, but more bytes follow it: something was"
            + " appended to the file");
      }
      throw fail(last ? "final chunk " + number + " failed authentication: the file is damaged, was changed, or"
          + " was cut short" : "chunk " + number + " failed authentication: the file is damaged or was changed");
    }
    if (last && len == 0 && chunkIndex > 0) {
      throw fail("chunk " + number + " is an empty final chunk, which only an empty file may have: the file was"
          + " changed, or written by a broken encryptor");
    }
    chunkIndex++;
    pos = 0;
    limit = len;
    ended = last;
  }

  private int open(int n, boolean last) {
    Payload.chunkNonce(nonce, chunkIndex, last);
    return aead.open(nonce, sealed, 0, n, plain, 0);
  }

  private AgeException fail(String message) {
    failure = new AgeException(message);
    return failure;
  }
}
