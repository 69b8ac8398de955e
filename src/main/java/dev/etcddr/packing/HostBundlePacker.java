package dev.etcddr.packing;

import dev.etcddr.crypt.AgeRecipient;
import dev.etcddr.snapshot.HostBundles;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.PartFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * {@code bundle write}: this host's own bundle, encrypted with age before it leaves the host when there are
 * recipients (it holds the cluster's CA keys, and the controller that fetches it holds no identity). The .tar.gz is
 * written as {@link HostBundles#write} writes it, to a private temporary file beside {@code --out}, then encrypted
 * to {@code --out} as {@code snapshot pack} encrypts a bundle ({@link Packer#write}: .part, then rename); the
 * temporary file is removed however the run ends. Without recipients the bundle is written plain, as before.
 */
public final class HostBundlePacker {
  /** What {@code --out} must end with when the bundle is encrypted: the name {@code attach-bundles} expects. */
  public static final String ENCRYPTED_SUFFIX = ".tar.gz.age";

  private HostBundlePacker() {}

  /**
   * @param recipients {@code --age-recipient} values; with {@code recipientsFile}, parsed as {@code snapshot pack}
   *     parses them ({@link Keys#recipients})
   * @param force whether an existing {@code out} may be replaced
   */
  public static HostBundleResult write(Path out, Path manifest, boolean force, List<String> recipients,
      Optional<Path> recipientsFile) {
    List<AgeRecipient> to = Keys.recipients(recipients, recipientsFile);
    if (to.isEmpty()) {
      HostBundles.Written w = HostBundles.write(out, manifest, force);
      return new HostBundleResult(w.file(), w.size(), w.sha256(), w.encryptionConfig(), w.entries(), null,
          List.of(), w.size(), w.sha256());
    }
    Path target = out.toAbsolutePath().normalize();
    String name = target.getFileName().toString();
    if (!name.endsWith(ENCRYPTED_SUFFIX) || name.length() == ENCRYPTED_SUFFIX.length()) {
      throw new IllegalArgumentException("--out " + out + ": an encrypted bundle's name ends in " + ENCRYPTED_SUFFIX);
    }
    if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new OutputRefusedException(target + " already exists; pass --force to replace it");
    }
    RawScratch raw = RawScratch.create(target);
    try {
      HostBundles.Written w = HostBundles.write(raw.path(), manifest, true);
      PackResult.Written e = Packer.write(new Packer.Step(raw.path(), target, false, w.size(), w.sha256(),
          "the bundle as written"), 0, to, force);
      return new HostBundleResult(e.file(), e.size(), e.sha256(), w.encryptionConfig(), w.entries(), "age",
          to.stream().map(AgeRecipient::toString).toList(), w.size(), w.sha256());
    } finally {
      raw.delete();
    }
  }

  /**
   * The plain .tar.gz before it is encrypted: a new file of a name no other run takes (a random part), hidden, 0600,
   * beside the target so it never crosses a filesystem; removed by {@link #delete()} and, on Ctrl-C, by a hook.
   */
  private record RawScratch(Path path, Thread cleanupOnExit) {
    static RawScratch create(Path target) {
      String base = target.getFileName().toString();
      base = base.substring(0, base.length() - ".age".length());
      Path p;
      try {
        p = Files.createTempFile(target.getParent(), "." + base + ".", ".raw",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (NoSuchFileException e) {
        throw new OutputRefusedException("cannot write " + target + ": directory " + target.getParent()
            + " does not exist");
      } catch (AccessDeniedException e) {
        throw new OutputRefusedException("cannot write " + target + " in " + target.getParent()
            + ": permission denied");
      } catch (IOException e) {
        String why = e instanceof FileSystemException f ? PartFile.reason(f) : e.getMessage();
        throw new OutputRefusedException("cannot write " + target + " in " + target.getParent() + ": " + why, e);
      }
      Path made = p;
      Thread hook = new Thread(() -> deleteQuietly(made), "etcd-dr-raw-bundle-cleanup");
      Runtime.getRuntime().addShutdownHook(hook);
      return new RawScratch(p, hook);
    }

    void delete() {
      deleteQuietly(path);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook runs anyway.
      }
    }

    private static void deleteQuietly(Path p) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // The outcome being reported matters more; the file is 0600 and hidden.
      }
    }
  }
}
