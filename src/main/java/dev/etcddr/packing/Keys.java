package dev.etcddr.packing;

import dev.etcddr.crypt.AgeIdentity;
import dev.etcddr.crypt.AgeKeyException;
import dev.etcddr.crypt.AgeRecipient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** The age keys of a command line: recipients to pack to, the identity file to unpack with. */
final class Keys {
  private Keys() {}

  /**
   * {@code --age-recipient} values and the lines of {@code --age-recipients-file} (as {@code age -R} reads it:
   * blank lines and lines starting with '#' skipped), each parsed; the same key given twice is one recipient.
   */
  static List<AgeRecipient> recipients(List<String> given, Optional<Path> file) {
    LinkedHashSet<AgeRecipient> out = new LinkedHashSet<>();
    for (String r : given) {
      out.add(AgeRecipient.parse(r.strip()));
    }
    if (file.isPresent()) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new AgeKeyException("cannot read --age-recipients-file " + file.get() + ": " + e, e);
      }
      int before = out.size();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        try {
          out.add(AgeRecipient.parse(line));
        } catch (AgeKeyException e) {
          throw new AgeKeyException(file.get() + " line " + (i + 1) + ": " + e.getMessage(), e);
        }
      }
      if (out.size() == before && lines.stream().map(String::strip).noneMatch(l -> l.startsWith("age1"))) {
        throw new AgeKeyException("--age-recipients-file " + file.get() + " has no age1... line");
      }
    }
    return new ArrayList<>(out);
  }

  /** Where the identities for an encrypted file come from; read only once a file turns out to be encrypted. */
  interface IdentitySource {
    List<AgeIdentity> identities(String encryptedFile);
  }

  static IdentitySource identities(Optional<Path> keyFile) {
    return name -> {
      if (keyFile.isEmpty()) {
        throw new AgeKeyException(name + " is encrypted with age: give the identity it was encrypted to with"
            + " --age-identity KEYFILE (an age-keygen file, AGE-SECRET-KEY-1...); identities stay on the controller");
      }
      return AgeIdentity.readFile(keyFile.get());
    };
  }
}
