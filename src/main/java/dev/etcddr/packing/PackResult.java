package dev.etcddr.packing;

import java.util.List;

/**
 * What {@code snapshot pack} wrote: the packed set beside the raw one, which is left as it was.
 *
 * @param file the packed snapshot (path); {@code size}/{@code sha256} are its own, {@code raw*} the saved one's
 * @param files every file written, in the order written; the sidecar last
 */
public record PackResult(String file, long size, String sha256, String rawFile, long rawSize, String rawSha256,
    String compression, Integer zstdLevel, String encryption, List<String> recipients, List<Written> files,
    double seconds) {
  /** One file of the packed set, and the file of the raw set it was made from (null for the sidecar). */
  public record Written(String file, long size, String sha256, String from) {}
}
