/**
 * The age v1 file format (<a href="https://age-encryption.org/v1">age-encryption.org/v1</a>, C2SP's
 * {@code age.md}) for X25519 recipients, streaming in both directions with constant memory: one 64 KiB chunk at a
 * time.
 *
 * <p>Written here rather than taken from a library: no age implementation for Java (jagged,
 * {@code com.exceptionfactory.jagged}, or another) is available to this build, and the format is small enough to
 * write on the JDK's own primitives ({@code XDH} for X25519, {@code ChaCha20-Poly1305}, {@code HmacSHA256} for
 * HKDF). The tests hold it to Debian's {@code age} and {@code age-keygen} in both directions.
 *
 * <p>What it does not do: scrypt (passphrase) stanzas, SSH and plugin recipients, and the ASCII-armored form
 * ({@code age -a}); each is refused with a message naming it. Stanzas of other types are skipped when looking for
 * the one an identity opens, as the spec asks.
 *
 * <p>Only {@link dev.etcddr.EtcdDrException} is used from outside this package; nothing here knows the cli.
 */
package dev.etcddr.crypt;
