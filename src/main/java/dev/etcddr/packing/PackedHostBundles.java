package dev.etcddr.packing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.etcddr.Json;
import dev.etcddr.crypt.AgeException;
import dev.etcddr.crypt.AgeHeaderStanzas;
import dev.etcddr.snapshot.HostBundleCheck;
import dev.etcddr.snapshot.HostBundles;
import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.SidecarFacts;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import dev.etcddr.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code snapshot attach-bundles}, for a raw set or a packed one. The set is packed when its sidecar has
 * {@code packing} ({@link PackedSidecar}); then each host's bundle is {@code P.bundle.HOST.tar.gz}, with
 * {@code .age} when P is encrypted. An encrypted bundle cannot be read through: the controller holds no identity
 * at backup time. What its header shows without one is checked: it is age v1, and it has one X25519 stanza per
 * recipient of the set, so a bundle encrypted to other keys than the set's (a stale recipients file on one host)
 * is refused before the sidecar vouches for it. A plain bundle of a zstd-only set is read through as a raw set's.
 */
public final class PackedHostBundles {
  private PackedHostBundles() {}

  public static List<SidecarFacts.HostBundle> attach(Path snapshot, List<String> hosts) {
    String name = snapshot.getFileName().toString();
    Path sidecar = snapshot.toAbsolutePath().normalize().resolveSibling(name + ".json");
    JsonNode n = readQuietly(sidecar);
    JsonNode packing = n == null ? null : n.get(PackedSidecar.FIELD);
    if (packing == null || !packing.isObject()) {
      // A raw set, or a sidecar that is not one: HostBundles says which (and refuses a packed name).
      return HostBundles.attach(snapshot, hosts);
    }
    if (!name.equals(PackedSidecar.text(n, "file"))) {
      throw new InputFileException(sidecar + " names file " + PackedSidecar.text(n, "file") + ", not " + name
          + ": not the sidecar of this packed snapshot");
    }
    boolean encrypted = "age".equals(PackedSidecar.text(packing, "encryption"));
    if (encrypted != name.endsWith(SnapshotStore.AGE_SUFFIX)) {
      throw new InputFileException(sidecar + " says packing.encryption " + (encrypted ? "age" : "null") + ", but "
          + name + (encrypted ? " does not end in .age" : " ends in .age") + ": not the sidecar `snapshot pack` wrote");
    }
    if (!encrypted) {
      return HostBundles.attach(snapshot, hosts, plain(name));
    }
    JsonNode recipients = packing.path("recipients");
    if (!recipients.isArray() || recipients.isEmpty()) {
      throw new SnapshotIntegrityException(sidecar + " says packing.encryption age but lists no packing.recipients:"
          + " not the sidecar `snapshot pack` wrote");
    }
    return HostBundles.attach(snapshot, hosts, encryptedTo(recipients.size(), name, sidecar));
  }

  /** An age file with one X25519 stanza per recipient of the set: all that can be seen without an identity. */
  private static HostBundleCheck encryptedTo(int recipients, String name, Path sidecar) {
    return bundle -> {
      if (PackedReader.detect(bundle) != Layers.AGE) {
        throw new SnapshotIntegrityException(bundle + " is not encrypted (it does not start with an age header),"
            + " but " + name + " is: its host bundles must be too; write it with `etcd-dr bundle write --out "
            + bundle.getFileName() + " --age-recipient AGE1...` (the recipients the set was packed to)");
      }
      AgeHeaderStanzas stanzas;
      try (InputStream in = Files.newInputStream(bundle)) {
        stanzas = AgeHeaderStanzas.read(in);
      } catch (AgeException e) {
        throw new SnapshotIntegrityException(bundle + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new InputFileException(bundle + ": cannot be read: " + e.getMessage());
      }
      int x25519 = stanzas.count(AgeHeaderStanzas.X25519);
      if (x25519 != recipients) {
        throw new SnapshotIntegrityException(bundle + " is encrypted to " + x25519 + " X25519 recipient"
            + (x25519 == 1 ? "" : "s") + ", but " + name + " was packed to " + recipients + " (packing.recipients in "
            + sidecar.getFileName() + "): it was written with other --age-recipient keys than the set; write it"
            + " again with the recipients the set was packed to");
      }
    };
  }

  /** A zstd-only set's bundle: plain, so read through; one encrypted by hand is refused by name. */
  private static HostBundleCheck plain(String name) {
    return bundle -> {
      if (PackedReader.detect(bundle) == Layers.AGE) {
        throw new SnapshotIntegrityException(bundle + " is encrypted (age), but " + name + " is not (its sidecar's"
            + " packing.encryption is null): its host bundles are plain .tar.gz; write it without --age-recipient");
      }
      HostBundleCheck.READ_THROUGH.check(bundle);
    };
  }

  private static JsonNode readQuietly(Path sidecar) {
    if (!Files.isRegularFile(sidecar)) {
      return null;
    }
    try {
      JsonNode n = Json.mapper().readTree(sidecar.toFile());
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }
}
