package dev.etcddr.kube;

import java.nio.charset.StandardCharsets;

/**
 * Walks the fields of one protobuf message in a byte range, without a schema and without a protobuf library: the
 * wire format is four field shapes (varint, fixed64, length-delimited, fixed32). Everything is bounds-checked; a
 * message that runs off its end, or uses the long-dead group wire types, is refused with {@link
 * KubeDecodeException} rather than read past.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private final int end;
  private int pos;
  private int field;
  private int wire;
  private long varint;
  private int valueStart;
  private int valueEnd;

  ProtoReader(byte[] buf, int from, int to) {
    if (from < 0 || to > buf.length || from > to) {
      throw new IllegalArgumentException("range " + from + ".." + to + " of " + buf.length);
    }
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  /** Moves to the next field; false at the end of the message. */
  boolean next() {
    if (pos >= end) {
      return false;
    }
    long tag = readVarint();
    if ((tag >>> 3) == 0 || (tag >>> 3) > Integer.MAX_VALUE) {
      throw new KubeDecodeException("protobuf field number " + (tag >>> 3) + " at byte " + pos);
    }
    field = (int) (tag >>> 3);
    wire = (int) (tag & 7);
    switch (wire) {
      case VARINT -> {
        varint = readVarint();
        valueStart = valueEnd = pos;
      }
      case FIXED64 -> skip(8);
      case FIXED32 -> skip(4);
      case LENGTH -> {
        long length = readVarint();
        if (length > end - pos) {
          throw new KubeDecodeException("protobuf field " + field + " says " + length + " bytes, " + (end - pos)
              + " are left");
        }
        skip((int) length);
      }
      default -> throw new KubeDecodeException("protobuf wire type " + wire + " (field " + field + ") at byte " + pos);
    }
    return true;
  }

  int field() {
    return field;
  }

  int wire() {
    return wire;
  }

  /** The varint value of the current field; a field of another wire type is a schema mismatch. */
  long varint() {
    expect(VARINT);
    return varint;
  }

  String string() {
    expect(LENGTH);
    return new String(buf, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
  }

  /** A reader over the current length-delimited field, an embedded message. */
  ProtoReader message() {
    expect(LENGTH);
    return new ProtoReader(buf, valueStart, valueEnd);
  }

  int valueStart() {
    expect(LENGTH);
    return valueStart;
  }

  int valueEnd() {
    expect(LENGTH);
    return valueEnd;
  }

  private void expect(int wanted) {
    if (wire != wanted) {
      throw new KubeDecodeException("protobuf field " + field + " has wire type " + wire + ", expected " + wanted);
    }
  }

  private void skip(int n) {
    if (n > end - pos) {
      throw new KubeDecodeException("protobuf field " + field + " runs past the end of its message");
    }
    valueStart = pos;
    pos += n;
    valueEnd = pos;
  }

  private long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new KubeDecodeException("protobuf varint runs past the end of its message");
      }
      byte b = buf[pos++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw new KubeDecodeException("protobuf varint longer than 10 bytes at byte " + pos);
  }
}
