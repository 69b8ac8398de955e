package dev.etcddr.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/** A gzip-compressed POSIX ustar archive, written as a stream: enough for a bundle of small config files. */
final class TarGzWriter implements AutoCloseable {
  private static final int BLOCK = 512;
  private final GZIPOutputStream out;

  TarGzWriter(OutputStream target) throws IOException {
    this.out = new GZIPOutputStream(target, 1 << 16);
  }

  void directory(String name, int mode, long mtime) throws IOException {
    header(name.endsWith("/") ? name : name + "/", mode, 0, mtime, '5');
  }

  void file(String name, Path source) throws IOException {
    long size = Files.size(source);
    header(name, mode(source), size, Files.getLastModifiedTime(source).toMillis() / 1000, '0');
    long copied = Files.copy(source, out);
    if (copied != size) {
      throw new IOException(source + " changed size while being archived");
    }
    pad(size);
  }

  private static int mode(Path p) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
    int m = 0;
    for (PosixFilePermission perm : perms) {
      m |= 1 << (8 - perm.ordinal());
    }
    return m;
  }

  private void header(String name, int mode, long size, long mtime, char type) throws IOException {
    byte[] h = new byte[BLOCK];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    if (n.length <= 100) {
      System.arraycopy(n, 0, h, 0, n.length);
    } else {
      int split = name.lastIndexOf('/', 154);
      byte[] prefix = name.substring(0, split).getBytes(StandardCharsets.UTF_8);
      byte[] rest = name.substring(split + 1).getBytes(StandardCharsets.UTF_8);
      if (split < 0 || prefix.length > 155 || rest.length > 100) {
        throw new IOException("path too long for a tar header: " + name);
      }
      System.arraycopy(rest, 0, h, 0, rest.length);
      System.arraycopy(prefix, 0, h, 345, prefix.length);
    }
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    h[156] = (byte) type;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 265, 4);
    System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 297, 4);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    out.write(h);
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
    byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, Math.min(b.length, len - 1));
    h[off + len - 1] = 0;
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % BLOCK);
    if (rem != 0) {
      out.write(new byte[BLOCK - rem]);
    }
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[2 * BLOCK]);
    out.finish();
    out.close();
  }
}
