package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TrailerDigestTest {
  private static byte[] snapshotLike(int pages, long seed) throws Exception {
    byte[] db = new byte[pages * 4096];
    new Random(seed).nextBytes(db);
    byte[] sum = MessageDigest.getInstance("SHA-256").digest(db);
    byte[] out = new byte[db.length + 32];
    System.arraycopy(db, 0, out, 0, db.length);
    System.arraycopy(sum, 0, out, db.length, 32);
    return out;
  }

  /** Feeds the bytes in random chunk sizes, including chunks shorter than the trailer. */
  private static TrailerDigest feed(byte[] bytes, long seed) {
    Random r = new Random(seed);
    TrailerDigest d = new TrailerDigest();
    int pos = 0;
    while (pos < bytes.length) {
      int n = Math.min(bytes.length - pos, r.nextBoolean() ? 1 + r.nextInt(40) : 1 + r.nextInt(40000));
      d.update(ByteBuffer.wrap(bytes, pos, n).slice());
      pos += n;
    }
    return d;
  }

  @RepeatedTest(20)
  void accepts_a_correct_trailer_whatever_the_chunking(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
    byte[] s = snapshotLike(1 + info.getCurrentRepetition(), info.getCurrentRepetition());
    TrailerDigest d = feed(s, info.getCurrentRepetition() * 31L);
    d.verify("test");
    assertEquals(s.length, d.total());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s)), d.wholeFileSha256());
  }

  @Test
  void every_flipped_byte_is_caught() throws Exception {
    byte[] s = snapshotLike(2, 7);
    for (int i = 0; i < s.length; i += 97) {
      byte[] bad = s.clone();
      bad[i] ^= 0x01;
      TrailerDigest d = feed(bad, i);
      SnapshotIntegrityException e = assertThrows(SnapshotIntegrityException.class, () -> d.verify("m1"));
      assertTrue(e.getMessage().contains("failed its SHA-256 check"), e.getMessage());
    }
  }

  @Test
  void a_stream_cut_short_has_no_trailer() throws Exception {
    byte[] s = snapshotLike(3, 9);
    for (int cut : new int[] {0, 1, 31, 32, 4096, s.length - 32, s.length - 1}) {
      byte[] part = java.util.Arrays.copyOf(s, cut);
      TrailerDigest d = feed(part, cut);
      SnapshotIntegrityException e = assertThrows(SnapshotIntegrityException.class, () -> d.verify("m1"));
      assertTrue(e.getMessage().contains("no SHA-256 trailer") || e.getMessage().contains("SHA-256 check"),
          e.getMessage());
    }
  }
}
