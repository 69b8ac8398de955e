package dev.etcddr.snapshot;

import java.nio.ByteBuffer;

/**
 * Reads the fields of an {@code mvccpb.KeyValue} protobuf without a protobuf library: the key and lease for status
 * counts, all of them for listing a snapshot's keys.
 */
final class KeyValueField {
  private static final int KEY = 1;
  private static final int VALUE = 5;
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
    Fields f = decode(value, true);
    return f == null ? null : f.key;
  }

  /** The lease ID the key is attached to; 0 (no lease) when absent or malformed, as protobuf reads a missing field. */
  static long lease(ByteBuffer value) {
    Fields f = decode(value, false);
    return f == null ? 0 : f.lease;
  }

  /**
   * Every field of a KeyValue, decoded strictly (see {@link #userKeyStrict}); null when it does not decode. The
   * buffers are views of {@code value}.
   */
  static Fields read(ByteBuffer value) {
    return decode(value, true);
  }

  /** The fields of mvccpb.KeyValue (1 key, 2 create_revision, 3 mod_revision, 4 version, 5 value, 6 lease). */
  record Fields(ByteBuffer key, long createRevision, long modRevision, long version, ByteBuffer value, long lease) {}

  /**
   * One walk over the message. Null when it runs off the end or has a wire type protobuf cannot skip; when
   * {@code strict}, also for what gogo's KeyValue decoder refuses (see {@link #userKeyStrict}).
   */
  private static Fields decode(ByteBuffer value, boolean strict) {
    ByteBuffer key = value.duplicate().limit(value.position()).slice();
    ByteBuffer stored = key;
    long[] varints = new long[7]; // by field number; the last occurrence wins
    int p = value.position();
    int end = value.limit();
    while (p < end) {
      long[] tag = varint(value, p, end);
      if (tag == null || (strict && ((tag[0] >>> 3) == 0 || (tag[0] >>> 3) > Integer.MAX_VALUE))) {
        return null;
      }
      p = (int) tag[1];
      long field = tag[0] >>> 3;
      int wire = (int) (tag[0] & 7);
      boolean bytesField = field == KEY || field == VALUE;
      boolean varintField = field >= 2 && field <= 6 && !bytesField;
      if (strict && ((bytesField && wire != 2) || (varintField && wire != 0))) {
        return null;
      }
      switch (wire) {
        case 0 -> {
          long[] v = varint(value, p, end);
          if (v == null) {
            return null;
          }
          p = (int) v[1];
          if (field >= 2 && field <= LEASE) {
            varints[(int) field] = v[0];
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
          if (field == KEY) {
            key = value.duplicate().position(start).limit(p).slice();
          } else if (field == VALUE) {
            stored = value.duplicate().position(start).limit(p).slice();
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
    return new Fields(key, varints[2], varints[3], varints[4], stored, varints[LEASE]);
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
