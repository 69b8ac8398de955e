package dev.etcddr.snapshot;

import java.nio.ByteBuffer;

/**
 * Reads field 1 ({@code key}) and field 6 ({@code lease}) of an {@code mvccpb.KeyValue} protobuf without a
 * protobuf library.
 */
final class KeyValueField {
  private static final int KEY = 1;
  private static final int LEASE = 6;

  private KeyValueField() {}

  /**
   * The user key as etcdutl 3.6 status reads it ({@code kv.Unmarshal}, then {@code string(kv.Key)}): the whole
   * message must decode, a missing key field is the empty key (the {@code --bump-revision} marker has an empty
   * value and counts as key ""), and a repeated field's last value wins. Null when the message does not decode.
   * Close to gogo-protobuf's generated decoder, not a copy: a wrong wire type for fields 1-6, field number 0, a
   * group, a varint or length past the end are refused; gogo may word or order its refusals differently.
   */
  static ByteBuffer userKeyStrict(ByteBuffer value) {
    ByteBuffer key = value.duplicate().limit(value.position()).slice();
    int p = value.position();
    int end = value.limit();
    while (p < end) {
      long[] tag = varint(value, p, end);
      if (tag == null || (tag[0] >>> 3) == 0 || (tag[0] >>> 3) > Integer.MAX_VALUE) {
        return null;
      }
      p = (int) tag[1];
      int field = (int) (tag[0] >>> 3);
      int wire = (int) (tag[0] & 7);
      boolean bytesField = field == KEY || field == 5;
      boolean varintField = field >= 2 && field <= 6 && !bytesField;
      if ((bytesField && wire != 2) || (varintField && wire != 0)) {
        return null;
      }
      switch (wire) {
        case 0 -> {
          long[] v = varint(value, p, end);
          if (v == null) {
            return null;
          }
          p = (int) v[1];
        }
        case 1 -> p += 8;
        case 5 -> p += 4;
        case 2 -> {
          long[] len = varint(value, p, end);
          if (len == null || len[0] < 0 || len[1] + len[0] > end) {
            return null;
          }
          int start = (int) len[1];
          p = start + (int) len[0];
          if (field == KEY) {
            key = value.duplicate().position(start).limit(p).slice();
          }
        }
        default -> {
          return null;
        }
      }
      if (p > end) {
        return null;
      }
    }
    return key;
  }

  /** The lease ID the key is attached to; 0 (no lease) when absent or malformed, as protobuf reads a missing field. */
  static long lease(ByteBuffer value) {
    Object lease = field(value, LEASE);
    return lease instanceof Long l ? l : 0;
  }

  /** A length-delimited field as a view into value, a varint field as a Long; null when absent or malformed. */
  private static Object field(ByteBuffer value, int wanted) {
    int p = value.position();
    int end = value.limit();
    while (p < end) {
      long[] tag = varint(value, p, end);
      if (tag == null) {
        return null;
      }
      p = (int) tag[1];
      int field = (int) (tag[0] >>> 3);
      int wire = (int) (tag[0] & 7);
      switch (wire) {
        case 0 -> {
          long[] v = varint(value, p, end);
          if (v == null) {
            return null;
          }
          p = (int) v[1];
          if (field == wanted) {
            return v[0];
          }
        }
        case 1 -> p += 8;
        case 5 -> p += 4;
        case 2 -> {
          long[] len = varint(value, p, end);
          if (len == null || len[0] < 0 || len[1] + len[0] > end) {
            return null;
          }
          int start = (int) len[1];
          p = start + (int) len[0];
          if (field == wanted) {
            return value.duplicate().position(start).limit(p).slice();
          }
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  /** {value, next position}, or null when the varint runs off the end or past 10 bytes. */
  private static long[] varint(ByteBuffer b, int p, int end) {
    long result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p >= end) {
        return null;
      }
      int x = b.get(p++) & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return new long[] {result, p};
      }
    }
    return null;
  }
}
