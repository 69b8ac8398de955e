package dev.etcddr.manifest;

import dev.etcddr.EtcdDrException;
import java.nio.file.Path;

/** The etcd static pod manifest is missing, unreadable or does not describe an etcd member. */
public final class ManifestException extends EtcdDrException {
  public ManifestException(Path manifest, String problem) {
    super(manifest + ": " + problem);
  }

  public ManifestException(Path manifest, String problem, Throwable cause) {
    super(manifest + ": " + problem, cause);
  }
}
