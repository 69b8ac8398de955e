package dev.etcddr.packing;

/**
 * What {@code snapshot unpack} wrote.
 *
 * @param layers what was peeled: zstd, age or zstd+age
 * @param sidecar the sidecar both forms were checked against, or null when none speaks of the file
 */
public record UnpackResult(String file, String out, String layers, long size, String sha256, long rawSize,
    String rawSha256, String sidecar) {}
