package dev.etcddr.restore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Member and cluster IDs exactly as etcd derives them at bootstrap (and so etcdutl at restore): a member's ID is the
 * first 8 bytes (big-endian) of SHA-1 over its sorted peer URLs joined with nothing, then the cluster token; the
 * cluster ID is the same over the members' IDs, sorted as unsigned numbers, each as 8 big-endian bytes. Names are
 * not hashed, so one token per restore gives a cluster no old member can mistake for its own.
 */
public final class MemberIds {
  private MemberIds() {}

  public static long memberId(List<String> peerUrls, String token) {
    List<String> sorted = new ArrayList<>(peerUrls);
    sorted.sort(null);
    StringBuilder b = new StringBuilder();
    sorted.forEach(b::append);
    b.append(token);
    return first8(sha1(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  public static long clusterId(List<Long> memberIds) {
    List<Long> sorted = new ArrayList<>(memberIds);
    sorted.sort(Long::compareUnsigned);
    ByteBuffer buf = ByteBuffer.allocate(8 * sorted.size());
    sorted.forEach(buf::putLong);
    return first8(sha1(buf.array()));
  }

  /** An ID in our reports (JSON, sidecars, cluster health): 16 lower-case hex digits, so they compare as text. */
  public static String padded(long id) {
    return String.format("%016x", id);
  }

  /** etcd's own text form of an ID (v2 store keys, member maps): lowercase hex without zero padding. */
  public static String hex(long id) {
    return Long.toHexString(id);
  }

  private static long first8(byte[] digest) {
    return ByteBuffer.wrap(digest, 0, 8).getLong();
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1", e);
    }
  }
}
