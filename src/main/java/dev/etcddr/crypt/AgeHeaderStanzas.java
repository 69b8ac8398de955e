package dev.etcddr.crypt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The recipient stanzas of an age file's header, read without an identity: what can be said of an encrypted file
 * by someone who cannot open it (the controller at backup time holds no identity). Only the header is parsed
 * ({@link AgeHeader}); its MAC needs the file key, so it and the payload stay unchecked.
 *
 * @param types the type of each stanza, in header order ({@code X25519} for an {@code age1...} recipient)
 */
public record AgeHeaderStanzas(List<String> types) {
  public static final String X25519 = AgeRecipient.STANZA_TYPE;

  public AgeHeaderStanzas {
    types = List.copyOf(types);
  }

  /**
   * Reads the header from the start of {@code in} (not closed).
   *
   * @throws AgeException when it is not an age v1 file or its header does not parse
   */
  public static AgeHeaderStanzas read(InputStream in) throws IOException {
    AgeHeader.Parsed header = AgeHeader.read(new BufferedInputStream(in));
    return new AgeHeaderStanzas(header.stanzas().stream().map(Stanza::type).toList());
  }

  /** How many stanzas are of {@code type}. */
  public int count(String type) {
    return (int) types.stream().filter(type::equals).count();
  }
}
