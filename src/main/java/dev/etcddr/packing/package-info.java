/**
 * {@code snapshot pack} and {@code unpack}: a saved snapshot set compressed with zstd and/or encrypted with age
 * before it leaves the host, and packed files read back by status, verify, restore and drill through a temporary
 * raw copy; {@code bundle write} and {@code attach-bundles} for host bundles, encrypted on their host and listed in
 * a packed set by the controller without an identity. Compress first, then encrypt (ciphertext does not compress).
 * Hosts hold only recipients; identities stay on the controller.
 *
 * <p>Depends on {@code crypt} and {@code snapshot} and nothing above them; the only package importing zstd-jni.
 * Names and sidecar fields are in {@link dev.etcddr.packing.PackedSidecar}.
 */
package dev.etcddr.packing;
