package dev.etcddr.remote;

import dev.etcddr.snapshot.LocalStore;
import dev.etcddr.snapshot.SnapshotStore;
import java.nio.file.Path;

/** Opens a store from its location: {@code sftp://user@host/dir}, {@code s3://bucket/prefix} or a local directory. */
public final class Stores {
  private Stores() {}

  public static SnapshotStore open(String location, StoreAccess access) {
    if (SftpLocation.isSftp(location)) {
      return SftpStore.connect(SftpLocation.parse(location, access.identity(), access.knownHosts()),
          access.timeout());
    }
    if (S3Location.isS3(location)) {
      return S3Store.connect(S3Location.parse(location, access.s3()), access.timeout());
    }
    return new LocalStore(Path.of(location));
  }
}
