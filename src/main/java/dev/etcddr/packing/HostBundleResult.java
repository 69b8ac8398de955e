package dev.etcddr.packing;

import java.util.List;

/**
 * A host bundle {@code bundle write} just wrote: {@code file}, {@code size} and {@code sha256} are what is at
 * {@code --out} (encrypted when there were recipients); the first five fields are those of a plain bundle, in that
 * order, so a reader of the old output reads this one.
 *
 * @param encryption "age", or null when written plain
 * @param recipients the age1... keys it is encrypted to; empty when plain
 * @param rawSize bytes of the .tar.gz before encryption; {@code size} when plain
 * @param rawSha256 SHA-256 of the .tar.gz before encryption; {@code sha256} when plain
 */
public record HostBundleResult(String file, long size, String sha256, String encryptionConfig, int entries,
    String encryption, List<String> recipients, long rawSize, String rawSha256) {}
