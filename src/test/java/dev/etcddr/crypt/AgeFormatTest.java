package dev.etcddr.crypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The building blocks against published vectors, and the key formats' refusals. */
class AgeFormatTest {
  private static final HexFormat HEX = HexFormat.of();
  // The example pair of C2SP age.md, "The X25519 recipient type".
  private static final String SPEC_IDENTITY =
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
  private static final String SPEC_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

  @TempDir Path dir;

  @Test
  void x25519_through_the_jdk_matches_rfc7748_vector_1_and_refuses_a_small_order_point() {
    byte[] scalar = HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
    byte[] u = HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        HEX.formatHex(X25519.sharedSecret(scalar, u)));
    assertNull(X25519.sharedSecret(scalar, new byte[32]));
  }

  @Test
  void hkdf_sha256_matches_rfc5869_test_case_3_with_its_empty_salt() {
    byte[] ikm = HEX.parseHex("0b".repeat(22));
    assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d",
        HEX.formatHex(Hkdf.sha256(ikm, new byte[0], "")));
  }

  @Test
  void the_specs_example_identity_gives_its_example_recipient_and_encodes_back() {
    AgeIdentity id = AgeIdentity.parse(SPEC_IDENTITY);
    assertEquals(SPEC_RECIPIENT, id.recipient().toString());
    assertEquals(SPEC_IDENTITY, id.encoded());
    assertEquals(id.recipient(), AgeRecipient.parse(SPEC_RECIPIENT));
    assertEquals("age identity of " + SPEC_RECIPIENT, id.toString());
  }

  @Test
  void a_generated_identity_parses_back_to_the_same_recipient() {
    AgeIdentity id = AgeIdentity.generate();
    assertTrue(id.encoded().startsWith("AGE-SECRET-KEY-1"));
    assertEquals(id.recipient(), AgeIdentity.parse(id.encoded()).recipient());
    assertFalse(id.toString().contains(id.encoded().substring(16, 30)));
  }

  @Test
  void a_mistyped_character_fails_the_checksum() {
    String typo = SPEC_RECIPIENT.substring(0, 20) + (SPEC_RECIPIENT.charAt(20) == 'q' ? 'p' : 'q')
        + SPEC_RECIPIENT.substring(21);
    AgeException e = assertThrows(AgeException.class, () -> AgeRecipient.parse(typo));
    assertEquals("not an age recipient: '" + typo + "': checksum does not match (a character was mistyped or"
        + " lost)", e.getMessage());
  }

  @Test
  void keys_in_the_wrong_case_or_of_the_wrong_kind_are_refused_without_echoing_a_secret() {
    String mixed = "A" + SPEC_RECIPIENT.substring(1);
    assertEquals("not an age recipient: '" + mixed + "': mixed upper and lower case",
        assertThrows(AgeException.class, () -> AgeRecipient.parse(mixed)).getMessage());
    AgeException secretAsRecipient = assertThrows(AgeException.class, () -> AgeRecipient.parse(SPEC_IDENTITY));
    assertFalse(secretAsRecipient.getMessage().contains("GFPYY"), secretAsRecipient.getMessage());
    assertEquals("not an age recipient: this is a secret key (AGE-SECRET-KEY-1...); give its public key, printed"
        + " by 'age-keygen -y', instead", secretAsRecipient.getMessage());
    assertEquals("not an X25519 age identity: it is in lower case; age writes AGE-SECRET-KEY-1... in upper case",
        assertThrows(AgeException.class, () -> AgeIdentity.parse(SPEC_IDENTITY.toLowerCase())).getMessage());
    assertEquals("not an X25519 age identity: it does not start with AGE-SECRET-KEY-1",
        assertThrows(AgeException.class, () -> AgeIdentity.parse(SPEC_RECIPIENT)).getMessage());
    String upper = SPEC_RECIPIENT.toUpperCase();
    assertTrue(assertThrows(AgeException.class, () -> AgeRecipient.parse(upper)).getMessage()
        .contains("starts 'AGE1', not 'age1'"));
    assertTrue(assertThrows(AgeException.class, () -> AgeRecipient.parse("ssh-ed25519 AAAAC3Nza")).getMessage()
        .contains("SSH keys as recipients are not supported"));
  }

  @Test
  void base64_in_a_header_must_be_canonical_and_unpadded() {
    assertArrayEquals(new byte[] {0x01}, RawBase64.decode("AQ", "x"));
    assertEquals("x is padded base64 ('='); age writes it without padding",
        assertThrows(AgeException.class, () -> RawBase64.decode("AQ==", "x")).getMessage());
    // "AR" decodes to the same byte as "AQ" with a stray low bit set.
    assertEquals("x is not canonical base64 (stray bits in its last character)",
        assertThrows(AgeException.class, () -> RawBase64.decode("AR", "x")).getMessage());
    assertThrows(AgeException.class, () -> RawBase64.decode("A\nQ", "x"));
  }

  @Test
  void a_key_file_skips_comments_and_blank_lines_and_names_the_bad_line_without_its_text() throws Exception {
    AgeIdentity other = AgeIdentity.generate();
    Path keys = dir.resolve("keys.txt");
    Files.writeString(keys, "# created: 2026-12-01T00:00:00Z\n# public key: " + SPEC_RECIPIENT + "\n"
        + SPEC_IDENTITY + "\n\n" + other.encoded() + "\n");
    List<AgeIdentity> ids = AgeIdentity.readFile(keys);
    assertEquals(List.of(AgeRecipient.parse(SPEC_RECIPIENT), other.recipient()),
        ids.stream().map(AgeIdentity::recipient).toList());

    String broken = SPEC_IDENTITY.substring(0, SPEC_IDENTITY.length() - 1) + "Q";
    Files.writeString(keys, "# a comment\n" + broken + "\n");
    AgeException e = assertThrows(AgeException.class, () -> AgeIdentity.readFile(keys));
    assertEquals(keys + " line 2: not an age identity: checksum does not match (a character was mistyped or"
        + " lost)", e.getMessage());

    Files.writeString(keys, "# only a comment\n");
    assertEquals("age identity file " + keys + " has no AGE-SECRET-KEY-1... line",
        assertThrows(AgeException.class, () -> AgeIdentity.readFile(keys)).getMessage());
  }
}
