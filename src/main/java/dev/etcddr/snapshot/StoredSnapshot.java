package dev.etcddr.snapshot;

import java.time.Instant;

/**
 * A snapshot in a store, known by its default name. {@code verified}: its sidecar is there too (save writes the
 * sidecar only after the SHA-256 trailer checked out, and stores upload or delete the sidecar so that a half-done
 * pair never reads as verified).
 */
public record StoredSnapshot(String name, Instant takenAt, long revision, long size, boolean verified) {}
