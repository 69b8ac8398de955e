package dev.etcddr.crypt;

import static dev.etcddr.crypt.AgeFixtures.CHUNK;
import static dev.etcddr.crypt.AgeFixtures.data;
import static dev.etcddr.crypt.AgeFixtures.decrypt;
import static dev.etcddr.crypt.AgeFixtures.encrypt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This package and Debian's age 1.1 read each other's keys and files. */
class AgeInteropTest {
  private static final int[] SIZES = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 200 * 1024 + 3};

  @TempDir Path dir;

  @Test
  void an_age_keygen_key_parses_to_the_recipient_age_keygen_prints() {
    Path key = AgeCli.keygen(dir, "key.txt");
    List<AgeIdentity> ids = AgeIdentity.readFile(key);
    assertEquals(1, ids.size());
    assertEquals(AgeCli.recipientOf(key), ids.get(0).recipient().toString());
  }

  @Test
  void a_generated_identity_gives_age_keygen_the_same_recipient() throws IOException {
    AgeIdentity id = AgeIdentity.generate();
    Path key = dir.resolve("java-key.txt");
    Files.writeString(key, "# public key: " + id.recipient() + "\n" + id.encoded() + "\n");
    assertEquals(id.recipient().toString(), AgeCli.recipientOf(key));
  }

  @Test
  void age_decrypts_what_the_jar_encrypts_at_every_size() throws IOException {
    Path key = AgeCli.keygen(dir, "key.txt");
    AgeRecipient to = AgeRecipient.parse(AgeCli.recipientOf(key));
    for (int size : SIZES) {
      byte[] plain = data(size);
      Path enc = dir.resolve(size + ".age");
      Files.write(enc, encrypt(plain, List.of(to)));
      Path out = dir.resolve(size + ".out");
      AgeCli.decrypt(enc, out, key).requireSuccess();
      // age opens -o at its first write, so an empty plaintext leaves no file behind.
      byte[] got = size == 0 && !Files.exists(out) ? new byte[0] : Files.readAllBytes(out);
      assertArrayEquals(plain, got, "size " + size);
    }
  }

  @Test
  void age_decrypts_a_file_past_256_chunks_streamed_from_disk() throws IOException {
    // 17 MiB: chunk numbers above 255 use the counter's second byte, where a byte-order slip would show.
    Path key = AgeCli.keygen(dir, "key.txt");
    Path plain = dir.resolve("big");
    byte[] block = data(1024 * 1024);
    try (OutputStream o = Files.newOutputStream(plain)) {
      for (int i = 0; i < 17; i++) {
        block[0] = (byte) i;
        o.write(block);
      }
    }
    Path enc = dir.resolve("big.age");
    try (InputStream in = Files.newInputStream(plain);
        AgeEncryptor o = AgeEncryptor.open(Files.newOutputStream(enc),
            List.of(AgeRecipient.parse(AgeCli.recipientOf(key))))) {
      in.transferTo(o);
      o.finish();
    }
    Path out = dir.resolve("big.out");
    AgeCli.decrypt(enc, out, key).requireSuccess();
    assertEquals(-1L, Files.mismatch(plain, out));
  }

  @Test
  void age_opens_a_file_for_several_recipients_with_any_one_key() throws IOException {
    Path[] keys = {AgeCli.keygen(dir, "a.txt"), AgeCli.keygen(dir, "b.txt"), AgeCli.keygen(dir, "c.txt")};
    List<AgeRecipient> to = List.of(AgeRecipient.parse(AgeCli.recipientOf(keys[0])),
        AgeRecipient.parse(AgeCli.recipientOf(keys[1])), AgeRecipient.parse(AgeCli.recipientOf(keys[2])));
    byte[] plain = data(3 * CHUNK + 17);
    Path enc = dir.resolve("multi.age");
    Files.write(enc, encrypt(plain, to));
    for (Path key : keys) {
      Path out = dir.resolve(key.getFileName() + ".out");
      AgeCli.decrypt(enc, out, key).requireSuccess();
      assertArrayEquals(plain, Files.readAllBytes(out), key.toString());
    }
    Proc.Result wrong = AgeCli.decrypt(enc, dir.resolve("wrong.out"), AgeCli.keygen(dir, "d.txt"));
    assertNotEquals(0, wrong.exitCode());
    assertTrue(wrong.stderr().contains("no identity matched any of the recipients"), wrong.stderr());
  }

  @Test
  void the_jar_decrypts_what_age_encrypts_at_every_size() throws IOException {
    Path key = AgeCli.keygen(dir, "key.txt");
    List<AgeIdentity> ids = AgeIdentity.readFile(key);
    for (int size : SIZES) {
      byte[] plain = data(size);
      Path in = dir.resolve(size + ".in");
      Files.write(in, plain);
      Path enc = dir.resolve(size + ".age");
      AgeCli.encrypt(in, enc, List.of(AgeCli.recipientOf(key)), List.of());
      assertArrayEquals(plain, decrypt(Files.readAllBytes(enc), ids), "size " + size);
    }
  }

  @Test
  void the_jar_decrypts_an_age_file_for_a_recipients_file_with_its_second_key() throws IOException {
    Path a = AgeCli.keygen(dir, "a.txt");
    Path b = AgeCli.keygen(dir, "b.txt");
    Path recipients = dir.resolve("recipients.txt");
    Files.writeString(recipients, "# the DR keys\n" + AgeCli.recipientOf(a) + "\n" + AgeCli.recipientOf(b) + "\n");
    byte[] plain = data(2 * CHUNK);
    Path in = dir.resolve("in");
    Files.write(in, plain);
    Path enc = dir.resolve("in.age");
    AgeCli.encrypt(in, enc, List.of(), List.of(recipients));
    assertArrayEquals(plain, decrypt(Files.readAllBytes(enc), AgeIdentity.readFile(b)));
  }

  @Test
  void the_jar_refuses_an_age_file_for_another_key_and_an_armored_one() throws IOException {
    Path mine = AgeCli.keygen(dir, "mine.txt");
    Path theirs = AgeCli.keygen(dir, "theirs.txt");
    Path in = dir.resolve("in");
    Files.write(in, data(100));
    Path enc = dir.resolve("in.age");
    AgeCli.encrypt(in, enc, List.of(AgeCli.recipientOf(theirs)), List.of());
    List<AgeIdentity> ids = AgeIdentity.readFile(mine);
    AgeException e = assertThrows(AgeException.class, () -> decrypt(Files.readAllBytes(enc), ids));
    assertEquals("no identity matches any of the file's 1 recipient stanza (X25519): tried the identity of "
        + AgeCli.recipientOf(mine) + "; the file was encrypted to other keys, or its header is damaged",
        e.getMessage());

    Path armored = dir.resolve("in.age.asc");
    AgeCli.encryptArmored(in, armored, AgeCli.recipientOf(mine));
    e = assertThrows(AgeException.class, () -> decrypt(Files.readAllBytes(armored), ids));
    assertEquals("this is an ASCII-armored age file (age -a, '-----BEGIN AGE ENCRYPTED FILE-----'), a form not"
        + " supported here: encrypt without -a, or decrypt it with 'age -d' and encrypt it again without -a",
        e.getMessage());
  }

  @Test
  void the_stanzas_of_a_file_age_wrote_are_read_without_an_identity_and_a_file_that_is_not_age_is_refused()
      throws IOException {
    Path plain = dir.resolve("plain");
    Files.write(plain, data(1000));
    List<String> to = List.of(AgeCli.recipientOf(AgeCli.keygen(dir, "a")), AgeCli.recipientOf(AgeCli.keygen(dir,
        "b")), AgeCli.recipientOf(AgeCli.keygen(dir, "c")));
    Path enc = dir.resolve("three.age");
    AgeCli.encrypt(plain, enc, to, List.of());
    try (InputStream in = Files.newInputStream(enc)) {
      AgeHeaderStanzas s = AgeHeaderStanzas.read(in);
      assertEquals(3, s.count(AgeHeaderStanzas.X25519), s.toString());
      assertEquals(0, s.count("scrypt"));
    }
    try (InputStream in = Files.newInputStream(plain)) {
      AgeException e = assertThrows(AgeException.class, () -> AgeHeaderStanzas.read(in));
      assertTrue(e.getMessage().startsWith("not an age file"), e.getMessage());
    }
  }
}
