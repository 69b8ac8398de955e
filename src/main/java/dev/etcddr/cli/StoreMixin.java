package dev.etcddr.cli;

import dev.etcddr.remote.StoreAccess;
import dev.etcddr.remote.StoreOperations;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How to reach an sftp:// or s3:// store; unused for a local directory. */
public final class StoreMixin {
  @Option(names = "--identity", paramLabel = "FILE", description = "SSH private key for an sftp:// store.")
  Path identity;

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "known_hosts holding the SFTP server's host key (always checked; a changed key is refused).")
  Path knownHosts;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Connect timeout for an sftp:// or s3:// store (default: ${DEFAULT-VALUE}). For s3:// also: a"
          + " response silent for twice this fails, and each request may take twice this plus its size at 256 KiB/s"
          + " (a 16 MiB part: 2 min by default).")
  Duration timeout;

  @Mixin
  S3Mixin s3;

  StoreOperations operations() {
    return new StoreOperations(new StoreAccess(identity, knownHosts, s3.options(), timeout));
  }
}
