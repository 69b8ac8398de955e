package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * coreos/go-semver v0.3.1 {@code (*Version).Set} and {@code String} (what {@code schema.ReadStorageVersionFromSnapshot}
 * uses), and gogo's KeyValue decoding as etcdutl 3.6 status needs it; expectations from reading those functions.
 */
class GoSemverTest {
  private static String printed(String stored) {
    return GoSemver.parse(stored).map(GoSemver::toString).orElse("");
  }

  @Test
  void prints_what_go_semver_prints() {
    assertEquals("3.6.0", printed("3.6.0"));
    assertEquals("3.6.0", printed("03.06.000"), "ParseInt drops leading zeros, String() prints %d");
    assertEquals("3.7.0-rc.1+build-5", printed("3.7.0-rc.1+build-5"));
    assertEquals("3.6.0-a-b", printed("3.6.0-a-b"), "split at the first '-' only");
    assertEquals("", printed("3.6"), "not a dotted triple");
    assertEquals("", printed(""));
    assertEquals("", printed("3.6.0.1"), "SplitN 3 leaves \"0.1\", which is no number");
    assertEquals("", printed("v3.6.0"));
    assertEquals("", printed("3.6.x"));
    assertEquals("3.6.0", printed("3.6.0-"), "validateIdentifier lets \"\" through: no pre-release");
    assertEquals("", printed("3.6.0-a..b"), "empty dot-separated part");
    assertEquals("", printed("3.6.99999999999999999999"), "past int64");
  }

  @Test
  void layout_auto_is_36_from_storage_version_3_6() {
    assertEquals(StatusLayout.ETCDUTL_36, StatusLayout.of(Optional.empty(), "3.6.0"));
    assertEquals(StatusLayout.ETCDUTL_36, StatusLayout.of(Optional.empty(), "4.0.0"));
    assertEquals(StatusLayout.ETCDUTL_35, StatusLayout.of(Optional.empty(), "3.5.0"));
    assertEquals(StatusLayout.ETCDUTL_35, StatusLayout.of(Optional.empty(), ""));
    assertEquals(StatusLayout.ETCDUTL_36, StatusLayout.of(Optional.of(StatusLayout.ETCDUTL_36), ""));
    assertEquals(StatusLayout.ETCDUTL_35, StatusLayout.of(Optional.of(StatusLayout.ETCDUTL_35), "3.6.0"));
  }

  private static String key(String hex) {
    ByteBuffer k = KeyValueField.userKeyStrict(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    return k == null ? null : StandardCharsets.UTF_8.decode(k).toString();
  }

  @Test
  void user_key_as_kv_unmarshal_reads_it() {
    assertEquals("foo", key("0a03666f6f100218022001" + "2a03626172"));
    assertEquals("", key(""), "empty value: the bump marker, key \"\"");
    assertEquals("", key("1002"), "no key field");
    assertEquals("bar", key("0a03666f6f" + "0a03626172"), "the last key field wins");
    assertEquals(null, key("0a7f666f6f"), "length past the end");
    assertEquals(null, key("0a03666f6f30"), "varint cut off after a good key");
    assertEquals(null, key("76616c7565"), "wire type 6");
    assertEquals(null, key("0803"), "field 1 as a varint");
    assertEquals(null, key("0003"), "field number 0");
  }
}
