package dev.etcddr.snapshot;

import java.nio.file.Path;

/**
 * What {@code snapshot attach-bundles} proves of a host bundle before the sidecar vouches for it. A raw set's
 * bundle is read through ({@link #READ_THROUGH}); a packed set's encrypted one cannot be read without the
 * identity, which the controller does not hold at backup time, so the packing package brings a check of what its
 * header shows.
 */
@FunctionalInterface
public interface HostBundleCheck {
  /** Reads the .tar.gz to its end: gzip CRC and every tar header's sum. */
  HostBundleCheck READ_THROUGH = TarGzReader::read;

  /**
   * @param bundle the host bundle, a regular file under the name the set expects
   * @throws dev.etcddr.EtcdDrException naming {@code bundle} when the sidecar must not list it
   */
  void check(Path bundle);
}
