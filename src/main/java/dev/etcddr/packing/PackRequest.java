package dev.etcddr.packing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code snapshot pack}: the saved snapshot (its sidecar {@code snapshot.json} beside it) and what to do to it.
 *
 * @param zstdLevel 1 to 19 (20 to 22 need far more memory to unpack); {@link #DEFAULT_ZSTD_LEVEL} is zstd's own
 * @param recipients {@code age1...} public keys; with none given here or in {@code recipientsFile}, nothing is
 *     encrypted
 */
public record PackRequest(Path snapshot, boolean zstd, int zstdLevel, List<String> recipients,
    Optional<Path> recipientsFile) {
  public static final int DEFAULT_ZSTD_LEVEL = 3;
  public static final int MAX_ZSTD_LEVEL = 19;
}
