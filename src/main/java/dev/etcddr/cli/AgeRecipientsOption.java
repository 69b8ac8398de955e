package dev.etcddr.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The shared {@code --age-recipient} and {@code --age-recipients-file}: public keys to encrypt to, on a host. */
public final class AgeRecipientsOption {
  @Option(names = "--age-recipient", paramLabel = "AGE1...",
      description = "Encrypt to this age public key; repeatable. Any one of the matching identities opens it.")
  List<String> recipients = new ArrayList<>();

  @Option(names = "--age-recipients-file", paramLabel = "FILE",
      description = "Encrypt to every age1... line of FILE (as age -R reads it: blank lines and # comments skipped).")
  Path file;

  boolean any() {
    return !recipients.isEmpty() || file != null;
  }

  List<String> given() {
    return recipients;
  }

  Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
