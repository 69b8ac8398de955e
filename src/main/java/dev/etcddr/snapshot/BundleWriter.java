package dev.etcddr.snapshot;

import dev.etcddr.manifest.ManifestException;
import dev.etcddr.manifest.ManifestReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's control-plane configuration that a snapshot alone cannot bring back: {@code /etc/kubernetes/pki}, the
 * static pod manifests, and the apiserver's {@code --encryption-provider-config} (without it, encrypted Secrets in
 * the snapshot are unreadable). A .tar.gz, 0600, written beside the snapshot under a .part name first.
 */
final class BundleWriter {
  /** What went into the bundle. */
  record Bundle(Path file, String sha256, Optional<String> encryptionConfig, int entries) {}

  private BundleWriter() {}

  /** The bundle of the host whose etcd manifest is {@code manifest}: its folder, and the pki dir it names. */
  static Bundle writeFor(Path target, Path manifest, boolean replace) {
    Path manifests = manifest.toAbsolutePath().getParent();
    // kubeadm's pki dir is the parent of the etcd CA's directory (pki/etcd/ca.crt).
    Path pki = new ManifestReader().read(manifest).kubernetesPkiDir().orElse(manifests.getParent().resolve("pki"));
    return write(target, manifests, pki, replace);
  }

  static Bundle write(Path target, Path manifestsDir, Path pkiDir, boolean replace) {
    Optional<String> encryption = Optional.empty();
    Path apiserver = manifestsDir.resolve("kube-apiserver.yaml");
    if (Files.isRegularFile(apiserver)) {
      try {
        encryption = new ManifestReader().containerFlag(apiserver, "kube-apiserver", "encryption-provider-config");
      } catch (ManifestException e) {
        throw new OutputRefusedException("cannot read " + apiserver + " for the bundle: " + e.getMessage(), e);
      }
    }
    Path part = target.resolveSibling(target.getFileName() + ".part");
    int[] entries = {0};
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (PartFile file = PartFile.create(part)) {
      try (OutputStream raw = new DigestOutputStream(Channels.newOutputStream(file.channel()), md) {
            @Override
            public void close() throws IOException {
              flush(); // keep the channel open for publish()
            }
          };
          TarGzWriter tar = new TarGzWriter(raw)) {
        for (Path dir : List.of(pkiDir, manifestsDir)) {
          addTree(tar, dir, entries);
        }
        if (encryption.isPresent()) {
          Path config = Path.of(encryption.get());
          if (!Files.isRegularFile(config)) {
            throw new OutputRefusedException("kube-apiserver's --encryption-provider-config " + config + " is not a"
                + " readable file; without it encrypted Secrets cannot be restored");
          }
          tar.file(archiveName(config), config);
          entries[0]++;
        }
      }
      file.publish(target, replace);
      return new Bundle(target, HexFormat.of().formatHex(md.digest()), encryption, entries[0]);
    } catch (IOException e) {
      throw new OutputRefusedException("writing the bundle " + target + " failed: " + e.getMessage(), e);
    }
  }

  private static void addTree(TarGzWriter tar, Path dir, int[] entries) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new OutputRefusedException("bundle: " + dir + " is not a directory");
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted().toList()) {
        if (Files.isDirectory(p)) {
          tar.directory(archiveName(p), 0700, Files.getLastModifiedTime(p).toMillis() / 1000);
        } else if (Files.isRegularFile(p)) {
          tar.file(archiveName(p), p);
          entries[0]++;
        }
      }
    }
  }

  /** Absolute host paths, stored without the leading slash as tar does. */
  private static String archiveName(Path p) {
    String s = p.toAbsolutePath().normalize().toString();
    return s.startsWith("/") ? s.substring(1) : s;
  }
}
