package dev.etcddr.cli;

import dev.etcddr.remote.StoreOperations;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How to reach an sftp:// store; unused for a local directory. */
public final class StoreMixin {
  @Option(names = "--identity", paramLabel = "FILE", description = "SSH private key for an sftp:// store.")
  Path identity;

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "known_hosts holding the SFTP server's host key (always checked; a changed key is refused).")
  Path knownHosts;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Connect timeout for an sftp:// store (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  StoreOperations operations() {
    return new StoreOperations(identity, knownHosts, timeout);
  }
}
