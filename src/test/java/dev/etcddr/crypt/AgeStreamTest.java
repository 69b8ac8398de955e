package dev.etcddr.crypt;

import static dev.etcddr.crypt.AgeFixtures.CHUNK;
import static dev.etcddr.crypt.AgeFixtures.data;
import static dev.etcddr.crypt.AgeFixtures.decrypt;
import static dev.etcddr.crypt.AgeFixtures.decryptUntilFailure;
import static dev.etcddr.crypt.AgeFixtures.encrypt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java encryptor and decryptor with each other, and the decryptor on files no conforming encryptor writes
 * (built here from the package's parts, since {@code age} will not make them).
 */
class AgeStreamTest {
  private static final AgeIdentity ALICE = AgeIdentity.generate();
  private static final AgeIdentity BOB = AgeIdentity.generate();

  @Test
  void every_size_around_the_chunk_boundaries_comes_back_byte_for_byte() {
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 200 * 1024 + 3}) {
      byte[] plain = data(size);
      byte[] file = encrypt(plain, List.of(ALICE.recipient()));
      int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
      assertEquals(size + 16L * chunks + 16, file.length - AgeFixtures.payloadStart(file) + 16, "size " + size);
      assertArrayEquals(plain, decrypt(file, List.of(ALICE)), "size " + size);
    }
  }

  @Test
  void each_of_several_recipients_opens_the_file_alone() throws IOException {
    byte[] plain = data(70_000);
    byte[] file = encrypt(plain, List.of(ALICE.recipient(), BOB.recipient()));
    assertArrayEquals(plain, decrypt(file, List.of(BOB)));
    assertArrayEquals(plain, decrypt(file, List.of(AgeIdentity.generate(), ALICE)));
    AgeDecryptor single = AgeDecryptor.open(new ByteArrayInputStream(file), List.of(ALICE));
    assertEquals(plain[0] & 0xff, single.read());
    assertEquals(plain[1] & 0xff, single.read());
  }

  @Test
  void byte_at_a_time_writes_and_reads_cross_chunks_like_bulk_ones() throws IOException {
    byte[] plain = data(CHUNK + 300);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AgeEncryptor enc = AgeEncryptor.open(out, List.of(ALICE.recipient()))) {
      for (byte b : plain) {
        enc.write(b);
      }
      enc.finish();
    }
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    try (AgeDecryptor dec = AgeDecryptor.open(new ByteArrayInputStream(out.toByteArray()), List.of(ALICE))) {
      for (int b = dec.read(); b >= 0; b = dec.read()) {
        back.write(b);
      }
    }
    assertArrayEquals(plain, back.toByteArray());
  }

  @Test
  void a_refused_file_is_closed_by_open() {
    boolean[] closed = {false};
    ByteArrayInputStream in = new ByteArrayInputStream("not age\n".getBytes(StandardCharsets.US_ASCII)) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    assertThrows(AgeException.class, () -> AgeDecryptor.open(in, List.of(ALICE)));
    assertTrue(closed[0]);
  }

  @Test
  void a_file_for_other_keys_is_refused_naming_the_stanzas_and_the_identities_tried() {
    byte[] file = encrypt(data(10), List.of(ALICE.recipient(), ALICE.recipient()));
    AgeException e = assertThrows(AgeException.class, () -> decrypt(file, List.of(BOB)));
    assertEquals("no identity matches any of the file's 2 recipient stanzas (X25519): tried the identity of "
        + BOB.recipient() + "; the file was encrypted to other keys, or its header is damaged", e.getMessage());
  }

  @Test
  void closing_without_finish_leaves_a_file_that_reads_as_cut_short() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AgeEncryptor enc = AgeEncryptor.open(out, List.of(ALICE.recipient()))) {
      enc.write(data(CHUNK + 5));
      assertEquals(CHUNK + 5, enc.plaintextBytes());
    }
    AgeFixtures.Partial p = decryptUntilFailure(out.toByteArray(), List.of(ALICE));
    assertEquals("the age file ends after chunk 1, which is not its final chunk: it was cut short at a chunk"
        + " boundary", p.failure().getMessage());
    // Chunk 1 is authentic, but the stream ends where it said more would follow: none of it is handed out.
    assertEquals(0, p.released().length);
  }

  @Test
  void a_finished_or_closed_encryptor_takes_no_more_bytes() throws IOException {
    AgeEncryptor enc = AgeEncryptor.open(new ByteArrayOutputStream(), List.of(ALICE.recipient()));
    enc.finish();
    assertThrows(IOException.class, () -> enc.write(1));
    enc.close();
    assertThrows(IOException.class, enc::finish);
    assertThrows(AgeException.class, () -> AgeEncryptor.open(new ByteArrayOutputStream(), List.of()));
  }

  @Test
  void an_empty_final_chunk_after_data_is_refused() {
    byte[] file = craft(List.of(data(CHUNK), new byte[0]), List.of(false, true));
    AgeFixtures.Partial p = decryptUntilFailure(file, List.of(ALICE));
    assertEquals("chunk 2 is an empty final chunk, which only an empty file may have: the file was changed, or"
        + " written by a broken encryptor", p.failure().getMessage());
  }

  @Test
  void a_second_final_chunk_is_refused_before_the_first_is_released() {
    byte[] file = craft(List.of(data(CHUNK), data(10)), List.of(true, true));
    AgeFixtures.Partial p = decryptUntilFailure(file, List.of(ALICE));
    assertEquals("chunk 1 is the age file's final chunk, but more bytes follow it: something was appended to the"
        + " file", p.failure().getMessage());
    assertEquals(0, p.released().length);
  }

  @Test
  void chunks_in_the_wrong_order_fail_authentication() {
    byte[] a = data(CHUNK);
    byte[] file = craft(List.of(a, a, data(3)), List.of(false, false, true));
    byte[] swapped = file.clone();
    int start = AgeFixtures.payloadStart(file);
    int sealed = CHUNK + 16;
    System.arraycopy(file, start, swapped, start + sealed, sealed);
    System.arraycopy(file, start + sealed, swapped, start, sealed);
    AgeFixtures.Partial p = decryptUntilFailure(swapped, List.of(ALICE));
    assertEquals("chunk 1 failed authentication: the file is damaged or was changed", p.failure().getMessage());
  }

  @Test
  void a_share_of_small_order_is_refused_before_any_decryption() {
    Stanza zero = new Stanza(List.of("X25519", RawBase64.encode(new byte[32])), new byte[32]);
    byte[] file = header(List.of(zero), new byte[16]);
    assertEquals("stanza 1 (X25519) has a share of small order (an all-zero shared secret): the file was made to"
        + " attack a decryptor, or is damaged", refusal(file));
  }

  @Test
  void x25519_stanzas_of_the_wrong_shape_are_refused_other_types_are_skipped() {
    Stanza noShare = new Stanza(List.of("X25519"), new byte[32]);
    assertEquals("stanza 1 (X25519) has 0 arguments, not 1: the file's header is damaged",
        refusal(header(List.of(noShare), new byte[16])));
    Stanza longBody = new Stanza(List.of("X25519", RawBase64.encode(new byte[32])), new byte[48]);
    assertEquals("stanza 1 (X25519) has a 32-byte share and a 48-byte body, not 32 and 32: the file's header is"
        + " damaged", refusal(header(List.of(longBody), new byte[16])));
    Stanza other = new Stanza(List.of("example.com/enigma", "x"), data(100));
    byte[] plain = data(5);
    byte[] fileKey = new byte[16];
    new SecureRandom().nextBytes(fileKey);
    Stanza mine = ALICE.recipient().wrap(fileKey, new SecureRandom());
    assertArrayEquals(plain, decrypt(withPayload(header(List.of(other, mine), fileKey), fileKey,
        List.of(plain), List.of(true)), List.of(ALICE)));
  }

  @Test
  void a_passphrase_file_is_refused_by_name() {
    Stanza scrypt = new Stanza(List.of("scrypt", RawBase64.encode(new byte[16]), "18"), new byte[32]);
    assertEquals("the age file is encrypted with a passphrase (age -p, an scrypt stanza), which is not supported"
        + " here: encrypt it to an X25519 recipient (age -r age1...)", refusal(header(List.of(scrypt),
            new byte[16])));
  }

  @Test
  void what_is_not_age_v1_is_named_as_such() {
    assertEquals("not an age file: it is empty", refusal(new byte[0]));
    assertEquals("not an age file: its first line is 'hello', not 'age-encryption.org/v1'",
        refusal("hello\nworld".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("not an age file: its first line is binary (0000000000000000...), not 'age-encryption.org/v1'",
        refusal(new byte[4096]));
    assertEquals("the age file has CRLF line ends: it was copied as text and changed on the way; copy it again"
        + " as binary", refusal("age-encryption.org/v1\r\n-> X25519 abc\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals("age format 'age-encryption.org/v2' is not supported here, only age-encryption.org/v1",
        refusal("age-encryption.org/v2\n-> X25519 abc\n".getBytes(StandardCharsets.US_ASCII)));
    byte[] file = encrypt(data(3), List.of(ALICE.recipient()));
    String text = new String(file, StandardCharsets.ISO_8859_1);
    String macLine = text.substring(text.indexOf("\n--- ") + 1, text.indexOf('\n', text.indexOf("\n--- ") + 1));
    // The MAC's last character carries 2 bits beyond the 32 bytes: setting one is the same MAC, written wrongly.
    char last = macLine.charAt(macLine.length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char stray = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    byte[] noncanonical = file.clone();
    noncanonical[text.indexOf(macLine) + macLine.length() - 1] = (byte) stray;
    assertEquals("the header MAC is not canonical base64 (stray bits in its last character)",
        refusal(noncanonical));
  }

  private static String refusal(byte[] file) {
    return assertThrows(AgeException.class, () -> decrypt(file, List.of(ALICE))).getMessage();
  }

  /** A file to ALICE whose chunks are sealed with the given final-chunk flags, right or wrong. */
  private static byte[] craft(List<byte[]> chunks, List<Boolean> last) {
    byte[] fileKey = new byte[16];
    new SecureRandom().nextBytes(fileKey);
    Stanza stanza = ALICE.recipient().wrap(fileKey, new SecureRandom());
    return withPayload(header(List.of(stanza), fileKey), fileKey, chunks, last);
  }

  private static byte[] header(List<Stanza> stanzas, byte[] fileKey) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      AgeHeader.write(out, stanzas, fileKey);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private static byte[] withPayload(byte[] header, byte[] fileKey, List<byte[]> chunks, List<Boolean> last) {
    byte[] payloadNonce = data(16);
    Aead aead = new Aead(Payload.key(fileKey, payloadNonce));
    List<byte[]> parts = new ArrayList<>(List.of(header, payloadNonce));
    byte[] nonce = new byte[12];
    for (int i = 0; i < chunks.size(); i++) {
      Payload.chunkNonce(nonce, i, last.get(i));
      byte[] sealed = new byte[chunks.get(i).length + 16];
      aead.seal(nonce, chunks.get(i), 0, chunks.get(i).length, sealed, 0);
      parts.add(sealed);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  @Test
  void the_crafting_helper_itself_makes_a_valid_file() {
    byte[] a = data(CHUNK);
    byte[] b = data(7);
    byte[] both = Arrays.copyOf(a, CHUNK + 7);
    System.arraycopy(b, 0, both, CHUNK, 7);
    assertArrayEquals(both, decrypt(craft(List.of(a, b), List.of(false, true)), List.of(ALICE)));
    assertTrue(craft(List.of(new byte[0]), List.of(true)).length > 16);
  }
}
