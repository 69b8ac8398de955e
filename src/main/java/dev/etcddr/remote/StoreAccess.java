package dev.etcddr.remote;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to reach a store, as the CLI's flags give it: the SSH key and known_hosts of an sftp:// store, the --s3-*
 * options of an s3:// one, and the timeout both use. Unused parts are null; a local directory needs none.
 */
public record StoreAccess(Path identity, Path knownHosts, S3Location.Options s3, Duration timeout) {}
