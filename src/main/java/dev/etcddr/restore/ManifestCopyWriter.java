package dev.etcddr.restore;

import dev.etcddr.manifest.JoinedManifest;
import dev.etcddr.manifest.ManifestJoiner;
import dev.etcddr.manifest.ManifestRepointer;
import dev.etcddr.manifest.RepointedManifest;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.PartFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Writes a rewritten copy of the etcd manifest to its own file: one that points the member at a restored data dir
 * ({@link ManifestRepointer}), or one that makes it join a running cluster ({@link ManifestJoiner}). The original is
 * never written: it stays as it is, for rollback.
 */
public final class ManifestCopyWriter {
  public RepointedManifest repoint(Path manifest, String newDataDir, Path out, boolean force) {
    return write(manifest, out, force, () -> new ManifestRepointer().repoint(manifest, newDataDir),
        RepointedManifest::yaml);
  }

  public JoinedManifest join(Path manifest, String initialCluster, Path out, boolean force) {
    return write(manifest, out, force, () -> new ManifestJoiner().join(manifest, initialCluster),
        JoinedManifest::yaml);
  }

  private static <T> T write(Path manifest, Path out, boolean force, Supplier<T> rewrite, Function<T, String> text) {
    refuseTheOriginal(manifest, out);
    Path dir = outputDirectory(out);
    refuseExisting(out, force);
    T rewritten = rewrite.get();
    // A hidden name: kubelet skips dotfiles in its static pod directory, so even there it never runs a half file.
    Path part = dir.resolve("." + out.getFileName() + ".part");
    try (PartFile file = PartFile.create(part)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.apply(rewritten).getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        file.channel().write(bytes);
      }
      file.publish(out, force);
    } catch (FileAlreadyExistsException e) {
      throw new OutputRefusedException(out + " already exists; pass --force to replace it");
    } catch (IOException e) {
      throw writeFailure(out, e);
    }
    return rewritten;
  }

  /**
   * Neither the manifest itself (under any spelling or link) nor a file beside it: kubelet runs every manifest in
   * its static pod directory, so a copy there would start a second etcd next to the first.
   */
  private static void refuseTheOriginal(Path manifest, Path out) {
    Path original = manifest.toAbsolutePath().normalize();
    Path copy = out.toAbsolutePath().normalize();
    if (original.equals(copy) || sameFile(original, copy)) {
      throw new OutputRefusedException("--out " + out + " is the manifest itself; the original is kept as it is"
          + " for rollback, write the copy to another file");
    }
    if (original.getParent() != null && copy.getParent() != null
        && sameFile(original.getParent(), copy.getParent())) {
      throw new OutputRefusedException("--out " + out + " is in the same directory as " + manifest + "; kubelet"
          + " runs every manifest in its static pod directory, so write the copy elsewhere and move it in only"
          + " after moving the original aside");
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static Path outputDirectory(Path out) {
    Path dir = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new OutputRefusedException("cannot write --out " + out + ": directory " + dir
          + (Files.exists(dir) ? " is not a directory" : " does not exist; create it first"));
    }
    return dir;
  }

  private static void refuseExisting(Path out, boolean force) {
    if (Files.isDirectory(out)) {
      throw new OutputRefusedException("--out " + out + " is a directory; name the file to write");
    }
    if (!force && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      throw new OutputRefusedException(out + " already exists; pass --force to replace it");
    }
  }

  private static OutputRefusedException writeFailure(Path out, IOException e) {
    String why = e instanceof FileSystemException fse ? PartFile.reason(fse) : e.getMessage();
    if (why != null && why.contains("No space left")) {
      return new OutputRefusedException("disk full while writing " + out + " (" + why + "); nothing was kept", e);
    }
    return new OutputRefusedException("writing " + out + " failed: " + why + "; nothing was kept", e);
  }
}
