package dev.etcddr.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A host as an in-place restore sees it, in a temp dir: kubeadm's v1.30 etcd.yaml with its data dir at D =
 * ROOT/var/lib/etcd, an "original" member in D/member (marker files, no real etcd), a tiny snapshot.
 */
public final class DataDirFixture {
  public static final String ORIGINAL_DB = "the original member's db";
  private final Path root;

  public DataDirFixture(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(dataDir().resolve("member/snap"));
    Files.createDirectories(dataDir().resolve("member/wal"));
    Files.writeString(dataDir().resolve("member/snap/db"), ORIGINAL_DB);
    Files.writeString(dataDir().resolve("member/wal/0000000000000000-0000000000000000.wal"), "original wal");
    writeManifest(manifestYaml());
    TinySnapshot.write(snapshot(), 5);
  }

  public Path root() {
    return root;
  }

  public Path dataDir() {
    return root.resolve("var/lib/etcd");
  }

  public Path manifest() {
    return root.resolve("etc/kubernetes/manifests/etcd.yaml");
  }

  public Path snapshot() {
    return root.resolve("backup/etcd.db");
  }

  public Path work(String id) {
    return dataDir().resolve("etcd-dr-" + id);
  }

  /** kubeadm's manifest with every /var/lib/etcd moved under the root. */
  public String manifestYaml() throws IOException {
    try (var in = DataDirFixture.class.getResourceAsStream("/manifests/kubeadm-v1.30-etcd.yaml")) {
      return new String(in.readAllBytes()).replace("/var/lib/etcd", dataDir().toString());
    }
  }

  public void writeManifest(String yaml) throws IOException {
    Files.createDirectories(manifest().getParent());
    Files.writeString(manifest(), yaml);
    Files.createDirectories(snapshot().getParent());
  }

  /** True when dir/snap/db is the original member's. */
  public static boolean isOriginal(Path memberDir) throws IOException {
    return java.util.Arrays.equals(Files.readAllBytes(memberDir.resolve("snap/db")), ORIGINAL_DB.getBytes());
  }

  /** Every path under the root with its type, mode, size and content hash (links: their target). */
  public TreeMap<String, String> listing() throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "link " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "dir " + Files.getAttribute(p, "unix:mode") + " ino " + Files.getAttribute(p, "unix:ino");
        } else {
          what = "file " + Files.getAttribute(p, "unix:mode") + " " + Files.size(p) + " " + sha256(p);
        }
        out.put(root.relativize(p).toString(), what);
      }
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
