package dev.etcddr.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.testing.Proc;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host bundle put back on an emptied host: the PKI and the encryption config to their paths with their modes,
 * the manifests to another dir; files already there are kept when equal and stop everything when not; entries
 * that could climb out are refused. The expected tree is what GNU tar extracts from the same archive.
 */
class BundleRestoreTest {
  @TempDir
  Path dir;

  private Path kube;
  private Path bundle;

  @BeforeEach
  void host() throws IOException {
    kube = dir.resolve("host/etc/kubernetes");
    Files.createDirectories(kube.resolve("pki/etcd"));
    Files.createDirectories(kube.resolve("manifests"));
    Files.writeString(kube.resolve("pki/ca.crt"), "cluster ca");
    Files.writeString(kube.resolve("pki/etcd/peer.key"), "peer key");
    Files.setPosixFilePermissions(kube.resolve("pki/etcd/peer.key"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(kube.resolve("manifests/etcd.yaml"), "kind: Pod # etcd");
    Files.writeString(kube.resolve("manifests/kube-apiserver.yaml"), "kind: Pod # apiserver");
    bundle = dir.resolve("b.tar.gz");
    BundleWriter.write(bundle, kube.resolve("manifests"), kube.resolve("pki"), false);
  }

  @Test
  void an_emptied_host_gets_its_pki_back_as_gnu_tar_extracts_it_and_the_manifests_elsewhere() throws Exception {
    Map<String, String> expected = gnuTarExtract(kube.resolve("pki"));
    deleteTree(kube);
    Path staged = dir.resolve("staged");
    BundleRestore.Result r = BundleRestore.restore(bundle, kube.resolve("pki"), kube.resolve("manifests"), staged,
        false);
    assertEquals(expected, tree(kube.resolve("pki")), "contents and modes as GNU tar extracts them");
    assertFalse(Files.exists(kube.resolve("manifests")), "nothing in the kubelet's dir");
    assertEquals("kind: Pod # etcd", Files.readString(staged.resolve("etcd.yaml")));
    assertEquals("kind: Pod # apiserver", Files.readString(staged.resolve("kube-apiserver.yaml")));
    assertEquals(4, r.restored().size(), r.toString());

    BundleRestore.Result again = BundleRestore.restore(bundle, kube.resolve("pki"), kube.resolve("manifests"),
        staged, false);
    assertEquals(List.of(), again.restored(), "a rerun writes nothing");
    assertEquals(4, again.present().size());
  }

  @Test
  void a_file_with_other_contents_stops_the_restore_before_anything_is_written() throws Exception {
    deleteTree(kube.resolve("pki/etcd"));
    Files.writeString(kube.resolve("pki/ca.crt"), "a new ca");
    Path staged = dir.resolve("staged");
    OutputRefusedException e = assertThrows(OutputRefusedException.class, () -> BundleRestore.restore(bundle,
        kube.resolve("pki"), kube.resolve("manifests"), staged, false));
    assertTrue(e.getMessage().contains(kube.resolve("pki/ca.crt") + " already there with other contents"),
        e.getMessage());
    assertFalse(Files.exists(kube.resolve("pki/etcd")), "the missing peer key was not written either");
    assertFalse(Files.exists(staged));
    assertEquals("a new ca", Files.readString(kube.resolve("pki/ca.crt")));
  }

  @Test
  void a_dry_run_says_what_it_would_write_and_writes_nothing() throws Exception {
    deleteTree(kube);
    BundleRestore.Result r = BundleRestore.restore(bundle, kube.resolve("pki"), kube.resolve("manifests"),
        dir.resolve("staged"), true);
    assertEquals(4, r.restored().size());
    assertFalse(Files.exists(kube));
    assertFalse(Files.exists(dir.resolve("staged")));
  }

  @Test
  void entries_that_climb_out_or_are_not_ours_are_refused() throws Exception {
    Path evil = dir.resolve("evil.tar.gz");
    try (OutputStream out = Files.newOutputStream(evil); TarGzWriter tar = new TarGzWriter(out)) {
      tar.file(kube.resolve("pki").toString().substring(1) + "/../../../etc/cron.d/x", kube.resolve("pki/ca.crt"));
    }
    SnapshotIntegrityException e = assertThrows(SnapshotIntegrityException.class, () -> BundleRestore.restore(evil,
        kube.resolve("pki"), kube.resolve("manifests"), dir.resolve("staged"), false));
    assertTrue(e.getMessage().contains("not a plain path"), e.getMessage());

    Path two = dir.resolve("two.tar.gz");
    try (OutputStream out = Files.newOutputStream(two); TarGzWriter tar = new TarGzWriter(out)) {
      tar.file(dir.resolve("a").toString().substring(1), kube.resolve("pki/ca.crt"));
      tar.file(dir.resolve("b").toString().substring(1), kube.resolve("pki/ca.crt"));
    }
    e = assertThrows(SnapshotIntegrityException.class, () -> BundleRestore.restore(two, kube.resolve("pki"),
        kube.resolve("manifests"), dir.resolve("staged"), false));
    assertTrue(e.getMessage().contains("at most one such file"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("a")));
  }

  @Test
  void the_one_file_outside_is_put_back_at_its_path() throws Exception {
    Path enc = dir.resolve("host/etc/encryption/config.yaml");
    Files.createDirectories(enc.getParent());
    Files.writeString(enc, "kind: EncryptionConfiguration");
    Path withEnc = dir.resolve("enc.tar.gz");
    try (OutputStream out = Files.newOutputStream(withEnc); TarGzWriter tar = new TarGzWriter(out)) {
      tar.file(kube.resolve("pki/ca.crt").toString().substring(1), kube.resolve("pki/ca.crt"));
      tar.file(enc.toString().substring(1), enc);
    }
    deleteTree(dir.resolve("host"));
    BundleRestore.restore(withEnc, kube.resolve("pki"), kube.resolve("manifests"), dir.resolve("staged"), false);
    assertEquals("kind: EncryptionConfiguration", Files.readString(enc));
    assertEquals("cluster ca", Files.readString(kube.resolve("pki/ca.crt")));
  }

  /** GNU tar's extraction of the bundle, as relative path → mode and contents, for the subtree at {@code under}. */
  private Map<String, String> gnuTarExtract(Path under) throws Exception {
    Path out = dir.resolve("gnu");
    Files.createDirectories(out);
    Proc.run(List.of("tar", "-xzpf", bundle.toString(), "-C", out.toString())).requireSuccess();
    return tree(out.resolve(under.toString().substring(1)));
  }

  private static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
            + " " + Files.readString(p));
      }
    }
    return out;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
