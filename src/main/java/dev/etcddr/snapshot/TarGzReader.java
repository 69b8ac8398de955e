package dev.etcddr.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads back what {@link TarGzWriter} writes (a bundle of small config files): ustar headers with checked sums,
 * regular files and directories only. Everything is read into memory, bounded by {@link #LIMIT}: a bundle is PKI
 * and manifests, a few hundred KB. The gzip trailer's CRC is checked by reading to the end.
 */
final class TarGzReader {
  /** More than any bundle of configuration: a larger archive is not one of ours. */
  static final long LIMIT = 64L << 20;
  private static final int BLOCK = 512;

  /** One entry: a name without a leading slash, its mode bits, and its bytes (null for a directory). */
  record Entry(String name, int mode, byte[] data) {
    boolean directory() {
      return data == null;
    }
  }

  private TarGzReader() {}

  static List<Entry> read(Path archive) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
      List<Entry> out = new ArrayList<>();
      long total = 0;
      byte[] h = new byte[BLOCK];
      while (true) {
        if (in.readNBytes(h, 0, BLOCK) != BLOCK) {
          throw new IOException("it ends inside a tar header");
        }
        if (allZero(h)) {
          in.transferTo(OutputStream.nullOutputStream()); // to the gzip trailer, which checks the CRC
          return out;
        }
        checkSum(h, out.size());
        String name = string(h, 0, 100);
        String prefix = string(h, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        int mode = (int) octal(h, 100, 8);
        long size = octal(h, 124, 12);
        char type = (char) h[156];
        total += size;
        if (total > LIMIT) {
          throw new IOException("it holds more than " + LIMIT + " bytes; a bundle of configuration is far smaller");
        }
        if (type == '5') {
          out.add(new Entry(name.endsWith("/") ? name.substring(0, name.length() - 1) : name, mode & 0777, null));
        } else if (type == '0' || type == 0) {
          byte[] data = in.readNBytes((int) size);
          if (data.length != size) {
            throw new IOException("it ends inside " + name);
          }
          in.readNBytes((int) ((BLOCK - size % BLOCK) % BLOCK));
          out.add(new Entry(name, mode & 0777, data));
        } else {
          throw new IOException("entry " + name + " is of tar type '" + type + "'; a bundle holds only files and"
              + " directories");
        }
      }
    } catch (IOException e) {
      throw new SnapshotIntegrityException(archive + " is not a readable bundle: " + e.getMessage(), e);
    }
  }

  private static boolean allZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void checkSum(byte[] h, int index) throws IOException {
    long recorded = octal(h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
    }
    if (sum != recorded) {
      throw new IOException("header " + (index + 1) + " has a wrong checksum");
    }
  }

  private static String string(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len) throws IOException {
    String s = string(h, off, len).trim();
    if (!s.matches("[0-7]{1,12}")) {
      throw new IOException("a header field is not octal: '" + s + "'");
    }
    return Long.parseLong(s, 8);
  }
}
