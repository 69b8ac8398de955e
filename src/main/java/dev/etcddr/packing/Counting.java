package dev.etcddr.packing;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A byte count and SHA-256 of what passes through a stream, so each form of a file is hashed in the same pass. */
final class Counting {
  private final MessageDigest digest;
  private long bytes;

  Counting() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  long bytes() {
    return bytes;
  }

  /** Hex; call once, at the end. */
  String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

  private void add(byte[] b, int off, int n) {
    digest.update(b, off, n);
    bytes += n;
  }

  InputStream in(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          add(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          add(b, off, n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        // Skipped bytes would be missing from the hash: read them instead.
        return Math.max(0, read(new byte[(int) Math.max(0, Math.min(n, 8192))]));
      }

      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }

  /** Passes {@code close()} on only when {@code closes}: a zstd stream closes what it writes to. */
  OutputStream out(OutputStream out, boolean closes) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        add(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        add(b, off, len);
      }

      @Override
      public void close() throws IOException {
        if (closes) {
          super.close();
        } else {
          flush();
        }
      }
    };
  }
}
