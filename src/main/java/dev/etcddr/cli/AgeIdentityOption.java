package dev.etcddr.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The shared {@code --age-identity}: the key that opens a snapshot `snapshot pack` encrypted. */
public final class AgeIdentityOption {
  @Option(names = "--age-identity", paramLabel = "KEYFILE",
      description = "The age identity file (age-keygen's: AGE-SECRET-KEY-1... lines) that opens FILE when it is"
          + " encrypted (.age, .zst.age); read only then. It belongs on the controller, never on the hosts.")
  Path file;

  Optional<Path> get() {
    return Optional.ofNullable(file);
  }
}
