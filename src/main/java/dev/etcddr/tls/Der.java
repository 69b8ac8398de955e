package dev.etcddr.tls;

import java.io.ByteArrayOutputStream;

/**
 * The few DER pieces needed to wrap kubeadm's PKCS#1 RSA and SEC1 EC keys into PKCS#8, which is all the JDK's
 * {@code KeyFactory} reads. Not a general ASN.1 library.
 */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;

  /** rsaEncryption, 1.2.840.113549.1.1.1 */
  static final byte[] RSA_ENCRYPTION_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  /** id-ecPublicKey, 1.2.840.10045.2.1 */
  static final byte[] EC_PUBLIC_KEY_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Der() {}

  static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      body.writeBytes(p);
    }
    byte[] content = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** A cursor over one level of DER elements. */
  static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf, int start, int end) {
      this.buf = buf;
      this.pos = start;
      this.end = end;
    }

    boolean hasNext() {
      return pos < end;
    }

    /** Reads the next element's header; returns {tag, contentStart, contentEnd} and moves past the element. */
    int[] next() {
      if (pos + 2 > end) {
        throw new IllegalArgumentException("truncated DER");
      }
      int tag = buf[pos++] & 0xff;
      int len = buf[pos++] & 0xff;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 4 || pos + n > end) {
          throw new IllegalArgumentException("bad DER length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (buf[pos++] & 0xff);
        }
      }
      if (len < 0 || pos + len > end) {
        throw new IllegalArgumentException("DER element runs past its container");
      }
      int[] el = {tag, pos, pos + len};
      pos += len;
      return el;
    }
  }
}
