package dev.etcddr.packing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.cli.CliRun;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.SnapshotSets;
import dev.etcddr.testing.SyntheticSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Saved sets to pack, keys made by Debian's age-keygen, and the zstd and age tools as the independent readers.
 * Sizes and SHA-256s here are computed with MessageDigest ({@link SnapshotSets}), not by the code under test. The
 * tools must be installed (scripts/install-deps): a test without them fails rather than skips.
 */
final class PackFixtures {
  static final String NAME = "etcd-00000000000000aa-20261127T160403Z-r1042-cp1.db";

  private PackFixtures() {}

  /**
   * A Kubernetes-shaped snapshot (SHA-256 trailer) with a sidecar naming a bundle and host bundles of cp1 and cp2
   * (arbitrary bytes: packing never opens them), as `snapshot save` and `attach-bundles` leave a set.
   */
  static Path rawSet(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path db = SyntheticSnapshot.write(dir.resolve(NAME), 3000, 200, 7).file();
    byte[] bundle = SnapshotSets.bytes(1, 70_000);
    byte[] cp1 = SnapshotSets.bytes(2, 5_000);
    byte[] cp2 = SnapshotSets.bytes(3, 0);
    Files.write(dir.resolve(NAME + ".bundle.tar.gz"), bundle);
    Files.write(dir.resolve(NAME + ".bundle.cp1.tar.gz"), cp1);
    Files.write(dir.resolve(NAME + ".bundle.cp2.tar.gz"), cp2);
    Files.writeString(dir.resolve(NAME + ".json"), "{\"format\":\"etcd-dr.snapshot/v1\",\"file\":\"" + NAME
        + "\",\"revision\":1042,\"file_size\":" + Files.size(db) + ",\"sha256\":\"" + SnapshotSets.sha256(db)
        + "\",\"bundle\":\"" + NAME + ".bundle.tar.gz\",\"bundle_sha256\":\"" + SnapshotSets.sha256(bundle)
        + "\",\"cluster_name\":\"lab\",\"host_bundles\":[" + host("cp1", cp1) + "," + host("cp2", cp2) + "]}");
    return db;
  }

  /**
   * A kubeadm-like {@code etc/kubernetes} under {@code root}: pki (cluster and etcd CA, a 0600 peer key), the static
   * pod manifests (etcd's names the pki dir through its CA path; the apiserver's names an encryption config
   * outside it), and that config. Returns the etcd manifest, as {@code bundle write --manifest} takes it.
   */
  static Path hostTree(Path root, String host) throws IOException {
    Path kube = root.resolve("etc/kubernetes");
    Files.createDirectories(kube.resolve("pki/etcd"));
    Files.createDirectories(kube.resolve("manifests"));
    Files.createDirectories(kube.resolve("enc"));
    Files.writeString(kube.resolve("pki/ca.crt"), "cluster ca of " + host);
    Files.write(kube.resolve("pki/ca.key"), SnapshotSets.bytes(host.hashCode(), 1700));
    Files.writeString(kube.resolve("pki/etcd/ca.crt"), "etcd ca of " + host);
    Files.writeString(kube.resolve("pki/etcd/peer.key"), "peer key of " + host);
    Files.setPosixFilePermissions(kube.resolve("pki/etcd/peer.key"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.writeString(kube.resolve("enc/config.yaml"), "kind: EncryptionConfiguration # " + host);
    Path etcd = kube.resolve("manifests/etcd.yaml");
    Files.writeString(etcd, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd-" + host + "\nspec:\n  containers:\n"
        + "  - name: etcd\n    command:\n    - etcd\n    - --name=" + host + "\n    - --trusted-ca-file="
        + kube.resolve("pki/etcd/ca.crt") + "\n");
    Files.writeString(kube.resolve("manifests/kube-apiserver.yaml"), "apiVersion: v1\nkind: Pod\nspec:\n"
        + "  containers:\n  - name: kube-apiserver\n    command:\n    - kube-apiserver\n"
        + "    - --encryption-provider-config=" + kube.resolve("enc/config.yaml") + "\n");
    return etcd;
  }

  private static String host(String host, byte[] b) {
    return "{\"host\":\"" + host + "\",\"file\":\"" + NAME + ".bundle." + host + ".tar.gz\",\"size\":" + b.length
        + ",\"sha256\":\"" + SnapshotSets.sha256(b) + "\"}";
  }

  /** A key pair from age-keygen: the identity file, and its recipient from age-keygen -y. */
  record Key(Path identity, String recipient) {}

  static Key key(Path dir, String name) {
    Path file = dir.resolve(name + ".key");
    Proc.run(List.of("age-keygen", "-o", file.toString())).requireSuccess();
    return new Key(file, Proc.run(List.of("age-keygen", "-y", file.toString())).requireSuccess().stdout().strip());
  }

  static CliRun cli(String... args) {
    return CliRun.of(args);
  }

  static CliRun ok(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.exitCode(), r.toString());
    return r;
  }

  /** Runs a shell pipeline of the reference tools; they must exist and succeed. */
  static void sh(String script) {
    Proc.Result r = Proc.run(List.of("bash", "-o", "pipefail", "-c", script), Map.of(), null, 120);
    assertEquals(0, r.exitCode(), script + "\n" + r.stderr());
  }

  /** Every file under {@code dir}, relative, sorted: what a run left behind. */
  static List<String> tree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  static void flipByte(Path file, long at) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[(int) at] ^= 0x01;
    Files.write(file, b);
  }
}
