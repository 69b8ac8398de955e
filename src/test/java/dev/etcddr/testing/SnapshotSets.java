package dev.etcddr.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Snapshot sets for store tests: arbitrary bytes under a default name, with a sidecar whose size and SHA-256 are
 * computed here with MessageDigest, independently of the code under test. Stores never parse the db itself.
 */
public final class SnapshotSets {
  private SnapshotSets() {}

  /** Deterministic bytes; big enough to take several buffers of a copy. */
  public static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(Path p) throws IOException {
    return sha256(Files.readAllBytes(p));
  }

  /** Writes {@code name} and {@code name.json}; with {@code bundle} non-null also the bundle, named in the sidecar. */
  public static Path write(Path dir, String name, byte[] content, byte[] bundle, String clusterName)
      throws IOException {
    Files.createDirectories(dir);
    Path f = Files.write(dir.resolve(name), content);
    String bundleFields = "";
    if (bundle != null) {
      Files.write(dir.resolve(name + ".bundle.tar.gz"), bundle);
      bundleFields = ",\"bundle\":\"" + name + ".bundle.tar.gz\",\"bundle_sha256\":\"" + sha256(bundle) + "\"";
    }
    String cluster = clusterName == null ? "" : ",\"cluster_name\":\"" + clusterName + "\"";
    Files.writeString(dir.resolve(name + ".json"), "{\"format\":\"etcd-dr.snapshot/v1\",\"file\":\"" + name
        + "\",\"file_size\":" + content.length + ",\"sha256\":\"" + sha256(content) + "\"" + bundleFields + cluster
        + "}");
    return f;
  }

  public static Path write(Path dir, String name, byte[] content) throws IOException {
    return write(dir, name, content, null, null);
  }
}
