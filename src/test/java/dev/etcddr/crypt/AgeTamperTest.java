package dev.etcddr.crypt;

import static dev.etcddr.crypt.AgeFixtures.CHUNK;
import static dev.etcddr.crypt.AgeFixtures.cut;
import static dev.etcddr.crypt.AgeFixtures.data;
import static dev.etcddr.crypt.AgeFixtures.decryptUntilFailure;
import static dev.etcddr.crypt.AgeFixtures.flip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by {@code age}, then damaged: each is refused with a message that says what happened, no plaintext
 * of a damaged chunk is handed out, and {@code age -d} refuses the same file (so the refusal is the format's,
 * not ours).
 */
class AgeTamperTest {
  private static final int SEALED = CHUNK + 16;
  // 3 full chunks and a final one of 3 bytes.
  private static final byte[] PLAIN = data(3 * CHUNK + 3);

  @TempDir Path dir;
  private Path key;
  private List<AgeIdentity> ids;
  private byte[] file;
  private int payload;

  @BeforeEach
  void encryptWithAge() throws IOException {
    key = AgeCli.keygen(dir, "key.txt");
    ids = AgeIdentity.readFile(key);
    file = ageEncrypt(PLAIN);
    payload = AgeFixtures.payloadStart(file);
    assertNull(decryptUntilFailure(file, ids).failure());
  }

  private byte[] ageEncrypt(byte[] plain) throws IOException {
    Path in = Files.write(dir.resolve("plain-" + plain.length), plain);
    Path enc = dir.resolve("plain-" + plain.length + ".age");
    AgeCli.encrypt(in, enc, List.of(AgeCli.recipientOf(key)), List.of());
    return Files.readAllBytes(enc);
  }

  /** The failure's message, after checking what was released and that age refuses the file too. */
  private String refusal(byte[] damaged, int releasedChunks) throws IOException {
    AgeFixtures.Partial p = decryptUntilFailure(damaged, ids);
    assertNotEquals(null, p.failure(), "the damaged file was accepted");
    assertArrayEquals(Arrays.copyOf(PLAIN, Math.min(PLAIN.length, releasedChunks * CHUNK)), p.released());
    Path f = Files.write(dir.resolve("damaged.age"), damaged);
    assertNotEquals(0, AgeCli.decrypt(f, dir.resolve("damaged.out"), key).exitCode(), "age accepted it");
    return p.failure().getMessage();
  }

  /**
   * Another base64 character in the middle of a header value, where a flipped bit could make it no base64 at all:
   * the header still parses, so it is the key unwrap or the MAC that must catch the change.
   */
  private static byte[] otherBase64(byte[] file, int at) {
    byte[] copy = file.clone();
    copy[at] = (byte) (copy[at] == 'A' ? 'B' : 'A');
    return copy;
  }

  private int indexOf(String s) {
    return new String(file, StandardCharsets.ISO_8859_1).indexOf(s);
  }

  @Test
  void a_changed_mac_is_refused_as_a_changed_header() throws IOException {
    assertEquals("the age header's MAC does not match: the header was changed or is damaged",
        refusal(otherBase64(file, indexOf("\n--- ") + 5 + 10), 0));
  }

  @Test
  void a_changed_stanza_is_refused_as_no_matching_key_or_a_damaged_header() throws IOException {
    int body = new String(file, StandardCharsets.ISO_8859_1).indexOf('\n', indexOf("-> X25519")) + 1 + 10;
    byte[] damaged = otherBase64(file, body);
    assertEquals("no identity matches any of the file's 1 recipient stanza (X25519): tried the identity of "
        + ids.get(0).recipient() + "; the file was encrypted to other keys, or its header is damaged",
        refusal(damaged, 0));
  }

  @Test
  void a_flipped_payload_byte_fails_its_chunk_and_releases_only_the_chunks_before() throws IOException {
    assertEquals("chunk 3 failed authentication: the file is damaged or was changed",
        refusal(flip(file, payload + 2 * SEALED + 1234), 2));
    assertEquals("chunk 1 failed authentication: the file is damaged or was changed",
        refusal(flip(file, payload + SEALED - 1), 0));
    assertEquals("final chunk 4 failed authentication: the file is damaged, was changed, or was cut short",
        refusal(flip(file, file.length - 1), 3));
    // The payload nonce feeds the payload key: every chunk fails.
    assertEquals("chunk 1 failed authentication: the file is damaged or was changed",
        refusal(flip(file, payload - 3), 0));
  }

  @Test
  void a_file_one_byte_short_fails_its_final_chunk() throws IOException {
    assertEquals("final chunk 4 failed authentication: the file is damaged, was changed, or was cut short",
        refusal(cut(file, 1), 3));
  }

  @Test
  void a_file_cut_at_a_chunk_boundary_is_named_cut_short() throws IOException {
    assertEquals("the age file ends after chunk 3, which is not its final chunk: it was cut short at a chunk"
        + " boundary", refusal(cut(file, 3 + 16), 2));
    byte[] whole = ageEncrypt(data(3 * CHUNK));
    AgeFixtures.Partial p = decryptUntilFailure(cut(whole, SEALED), ids);
    assertEquals("the age file ends after chunk 2, which is not its final chunk: it was cut short at a chunk"
        + " boundary", p.failure().getMessage());
    assertArrayEquals(Arrays.copyOf(data(3 * CHUNK), CHUNK), p.released());
  }

  @Test
  void a_file_cut_inside_a_tag_the_nonce_or_the_header_says_where() throws IOException {
    assertEquals("the age file ends 14 bytes into chunk 4, too few for its 16-byte tag: it was cut short",
        refusal(cut(file, 5), 3));
    assertEquals("the age file ends right after its header: there is no payload chunk; it was cut short",
        refusal(Arrays.copyOf(file, payload), 0));
    assertEquals("the age file ends 6 bytes after its header, inside the 16-byte payload nonce: it was cut short",
        refusal(Arrays.copyOf(file, payload - 10), 0));
    assertEquals("the age header ends at line 4 before its MAC line: the file was cut short",
        refusal(Arrays.copyOf(file, indexOf("\n--- ") + 3), 0));
  }

  @Test
  void bytes_after_a_full_final_chunk_are_named_appended() throws IOException {
    byte[] plain = data(2 * CHUNK);
    byte[] whole = ageEncrypt(plain);
    byte[] extended = Arrays.copyOf(whole, whole.length + 1);
    AgeFixtures.Partial p = decryptUntilFailure(extended, ids);
    assertEquals("chunk 2 is the age file's final chunk, but more bytes follow it: something was appended to the"
        + " file", p.failure().getMessage());
    assertArrayEquals(Arrays.copyOf(plain, CHUNK), p.released());
  }
}
