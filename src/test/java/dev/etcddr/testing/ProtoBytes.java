package dev.etcddr.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf message built field by field from the wire format (varint tags, length-delimited fields), for tests
 * that need bytes the code under test did not make.
 */
public final class ProtoBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public ProtoBytes varint(int field, long v) {
    tag(field, 0);
    raw(v);
    return this;
  }

  public ProtoBytes bytes(int field, byte[] b) {
    tag(field, 2);
    raw(b.length);
    out.writeBytes(b);
    return this;
  }

  public ProtoBytes string(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  public ProtoBytes message(int field, ProtoBytes m) {
    return bytes(field, m.bytes());
  }

  public ProtoBytes fixed32(int field) {
    tag(field, 5);
    out.writeBytes(new byte[] {1, 2, 3, 4});
    return this;
  }

  public ProtoBytes fixed64(int field) {
    tag(field, 1);
    out.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    return this;
  }

  public ProtoBytes group(int field) {
    tag(field, 3);
    return this;
  }

  private void tag(int field, int wire) {
    raw(((long) field << 3) | wire);
  }

  private void raw(long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  /** How the apiserver stores a protobuf object: the magic {@code k8s\0}, then this runtime.Unknown message. */
  public static byte[] kubernetesStored(ProtoBytes unknown) {
    byte[] body = unknown.bytes();
    byte[] value = new byte[4 + body.length];
    value[0] = 'k';
    value[1] = '8';
    value[2] = 's';
    System.arraycopy(body, 0, value, 4, body.length);
    return value;
  }

  /** runtime.Unknown{typeMeta{apiVersion 1, kind 2} 1, raw 2} around an object, as stored. */
  public static byte[] kubernetesStored(String apiVersion, String kind, ProtoBytes object) {
    return kubernetesStored(new ProtoBytes().message(1, new ProtoBytes().string(1, apiVersion).string(2, kind))
        .message(2, object));
  }
}
