package dev.etcddr.remote;

import dev.etcddr.snapshot.LocalStore;
import dev.etcddr.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.time.Duration;

/** Opens a store from its location: {@code sftp://user@host/dir} or a local directory. */
public final class Stores {
  private Stores() {}

  public static SnapshotStore open(String location, Path identity, Path knownHosts, Duration timeout) {
    if (SftpLocation.isSftp(location)) {
      return SftpStore.connect(SftpLocation.parse(location, identity, knownHosts), timeout);
    }
    return new LocalStore(Path.of(location));
  }
}
