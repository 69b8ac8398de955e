package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SnapshotScanPiecesTest {
  private static ByteBuffer hex(String h) {
    return ByteBuffer.wrap(HexFormat.of().parseHex(h));
  }

  @Test
  void revision_keys() {
    assertTrue(SnapshotScan.wellFormedRevision(hex("00000000000000025f0000000000000000")));
    assertTrue(SnapshotScan.wellFormedRevision(hex("00000000000000025f000000000000000074")), "tombstone 't'");
    assertFalse(SnapshotScan.wellFormedRevision(hex("00000000000000025f000000000000000075")), "not 't'");
    assertFalse(SnapshotScan.wellFormedRevision(hex("00000000000000022e0000000000000000")), "no '_'");
    assertFalse(SnapshotScan.wellFormedRevision(hex("80000000000000025f0000000000000000")), "negative");
    assertFalse(SnapshotScan.wellFormedRevision(hex("0000000000000002")), "short");
  }

  @Test
  void reads_the_user_key_of_an_mvcc_key_value() {
    // foo=bar at revision 2, as etcd stores it
    ByteBuffer kv = hex("0a03666f6f100218022001" + "2a03626172");
    assertEquals("foo", StandardCharsets.UTF_8.decode(KeyValueField.userKeyStrict(kv)).toString());
    // fields in another order still work
    ByteBuffer reordered = hex("1002" + "0a03666f6f");
    assertEquals("foo", StandardCharsets.UTF_8.decode(KeyValueField.userKeyStrict(reordered)).toString());
    assertNull(KeyValueField.userKeyStrict(hex("0a7f666f6f")), "length past the end");
    assertNull(KeyValueField.userKeyStrict(hex("ffffffffffffffffffffff")), "endless varint");
    assertEquals(0, KeyValueField.userKeyStrict(hex("1002")).remaining(), "no key field: the empty key");
  }

  @Test
  void reads_the_lease_of_an_mvcc_key_value() {
    // foo=bar on lease 0x694d7a4fd8c4b1a2 (field 6, varint), after the value as etcd writes it
    ByteBuffer leased = hex("0a03666f6f100218022001" + "2a03626172" + "30a2e392c6fdc9dea669");
    assertEquals(0x694d7a4fd8c4b1a2L, KeyValueField.lease(leased));
    assertEquals("foo", StandardCharsets.UTF_8.decode(KeyValueField.userKeyStrict(leased)).toString());
    assertEquals(0, KeyValueField.lease(hex("0a03666f6f100218022001" + "2a03626172")), "no lease field");
    assertEquals(0, KeyValueField.lease(hex("0a03666f6f30")), "varint cut off");
  }

  @Test
  void a_key_put_again_takes_its_new_tag() {
    LiveKeySet set = new LiveKeySet(true);
    ByteBuffer k = ByteBuffer.wrap("/registry/masterleases/10.0.0.1".getBytes(StandardCharsets.UTF_8));
    set.add(k, 1);
    set.add(k, 0);
    assertEquals(1, set.size());
    assertEquals(0, set.liveWithTag(1));
    assertEquals(1, set.liveWithTag(0));
    set.remove(k);
    assertEquals(0, set.liveWithTag(0));
  }

  @Test
  void live_key_set_adds_removes_and_grows() {
    LiveKeySet s = new LiveKeySet();
    for (int i = 0; i < 100_000; i++) {
      s.add(ByteBuffer.wrap(("/registry/k" + i).getBytes(StandardCharsets.UTF_8)));
    }
    s.add(ByteBuffer.wrap("/registry/k5".getBytes(StandardCharsets.UTF_8)));
    assertEquals(100_000, s.size());
    for (int i = 0; i < 100_000; i += 2) {
      s.remove(ByteBuffer.wrap(("/registry/k" + i).getBytes(StandardCharsets.UTF_8)));
    }
    s.remove(ByteBuffer.wrap("/never/added".getBytes(StandardCharsets.UTF_8)));
    assertEquals(50_000, s.size());
    s.add(ByteBuffer.wrap("/registry/k0".getBytes(StandardCharsets.UTF_8)));
    assertEquals(50_001, s.size(), "re-added after delete");
  }

  @Test
  void tagged_live_key_set_counts_live_keys_per_tag() {
    LiveKeySet s = new LiveKeySet(true);
    for (int i = 0; i < 50_000; i++) {
      s.add(ByteBuffer.wrap(("/registry/pods/p" + i).getBytes(StandardCharsets.UTF_8)), 0);
      s.add(ByteBuffer.wrap(("/registry/secrets/s" + i).getBytes(StandardCharsets.UTF_8)), 1);
      s.add(ByteBuffer.wrap(("/other/o" + i).getBytes(StandardCharsets.UTF_8)), LiveKeySet.UNTAGGED);
    }
    s.add(ByteBuffer.wrap("/registry/pods/p7".getBytes(StandardCharsets.UTF_8)), 0);
    for (int i = 0; i < 50_000; i += 5) {
      s.remove(ByteBuffer.wrap(("/registry/secrets/s" + i).getBytes(StandardCharsets.UTF_8)));
    }
    s.remove(ByteBuffer.wrap("/other/o1".getBytes(StandardCharsets.UTF_8)));
    assertEquals(50_000, s.liveWithTag(0), "an overwrite is one key");
    assertEquals(40_000, s.liveWithTag(1), "deletes leave the group, across table growth");
    assertEquals(0, s.liveWithTag(2));
    assertEquals(50_000 + 40_000 + 49_999, s.size());
    s.add(ByteBuffer.wrap("/registry/secrets/s0".getBytes(StandardCharsets.UTF_8)), 1);
    assertEquals(40_001, s.liveWithTag(1), "re-added after delete");
  }
}
