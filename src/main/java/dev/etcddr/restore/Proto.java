package dev.etcddr.restore;

import java.io.ByteArrayOutputStream;

/**
 * Hand-written protobuf encoding with gogoproto's semantics, which etcd's WAL and snapshot files use: fields in
 * number order, non-nullable fields written even when zero, repeated integers not packed. (A proto3 encoder would
 * leave out zeros and the bytes would no longer match etcdutl's.)
 */
final class Proto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Proto varint(int field, long value) {
    tag(field, 0);
    raw(value);
    return this;
  }

  Proto bool(int field, boolean value) {
    return varint(field, value ? 1 : 0);
  }

  Proto bytes(int field, byte[] value) {
    tag(field, 2);
    raw(value.length);
    out.writeBytes(value);
    return this;
  }

  Proto message(int field, Proto message) {
    return bytes(field, message.toByteArray());
  }

  private void tag(int field, int wireType) {
    raw(((long) field << 3) | wireType);
  }

  private void raw(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
