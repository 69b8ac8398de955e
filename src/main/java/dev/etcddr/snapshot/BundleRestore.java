package dev.etcddr.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bundle restore}: puts a host's own bundle back on a host rebuilt with an empty {@code /etc/kubernetes}.
 * The PKI (and the apiserver's encryption config, the one file a bundle may hold outside the PKI and manifests
 * dirs) go back to their paths; the static pod manifests go to another directory, never into the kubelet's, so that
 * nothing starts before the caller decides (an etcd manifest of a member that no longer exists must not start).
 *
 * <p>Only missing files are written. A file already there with the bundle's bytes is left as it is; one with other
 * bytes is refused, and then nothing at all is written: the bundle is planned in full before the first write.
 */
public final class BundleRestore {
  /**
   * What was (or, with dryRun, would be) done.
   *
   * @param restored files written (paths on this host)
   * @param present files already there with the bundle's bytes
   */
  public record Result(String bundle, List<String> restored, List<String> present, String manifestsTo,
      boolean dryRun) {}

  private BundleRestore() {}

  public static Result restore(Path bundle, Path pkiDir, Path manifestsDir, Path manifestsTo, boolean dryRun) {
    Path pki = pkiDir.toAbsolutePath().normalize();
    Path manifests = manifestsDir.toAbsolutePath().normalize();
    Path to = manifestsTo.toAbsolutePath().normalize();
    Map<Path, TarGzReader.Entry> files = new LinkedHashMap<>();
    Map<Path, Integer> dirs = new LinkedHashMap<>();
    List<Path> outside = new ArrayList<>();
    for (TarGzReader.Entry e : TarGzReader.read(bundle)) {
      Path at = hostPath(bundle, e.name());
      if (at.startsWith(pki)) {
        if (e.directory()) {
          dirs.put(at, e.mode());
        } else {
          files.put(at, e);
        }
      } else if (at.startsWith(manifests)) {
        if (!e.directory()) {
          files.put(to.resolve(manifests.relativize(at)), e);
        }
      } else if (!e.directory()) {
        outside.add(at);
        files.put(at, e);
      }
    }
    if (outside.size() > 1) {
      throw new SnapshotIntegrityException(bundle + " holds " + outside + " outside " + pki + " and " + manifests
          + "; a bundle holds at most one such file (the apiserver's encryption config). Was it written with other"
          + " --pki-dir or --manifests-dir?");
    }
    List<String> restored = new ArrayList<>();
    List<String> present = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    for (Map.Entry<Path, TarGzReader.Entry> f : files.entrySet()) {
      Path p = f.getKey();
      if (Files.isDirectory(p) || Files.isSymbolicLink(p)) {
        conflicts.add(p + " (not a regular file)");
      } else if (!Files.exists(p)) {
        restored.add(p.toString());
      } else if (Arrays.equals(readAll(p), f.getValue().data())) {
        present.add(p.toString());
      } else {
        conflicts.add(p.toString());
      }
    }
    if (!conflicts.isEmpty()) {
      throw new OutputRefusedException("not restoring " + bundle + ": " + String.join(", ", conflicts) + " already"
          + " there with other contents. Nothing was written; move those aside to restore the bundle's, or keep"
          + " them and do not restore this bundle");
    }
    if (!dryRun) {
      for (Map.Entry<Path, Integer> d : dirs.entrySet()) {
        makeDirectories(d.getKey(), d.getValue());
      }
      for (String p : restored) {
        write(Path.of(p), files.get(Path.of(p)));
      }
    }
    return new Result(bundle.toString(), List.copyOf(restored), List.copyOf(present), to.toString(), dryRun);
  }

  /** An archive name as the absolute path it was taken from; anything that could climb out is refused. */
  private static Path hostPath(Path bundle, String name) {
    boolean bad = name.isEmpty() || name.startsWith("/") || name.contains("\\");
    for (String part : name.split("/", -1)) {
      bad |= part.isEmpty() || part.equals(".") || part.equals("..");
    }
    if (bad) {
      throw new SnapshotIntegrityException(bundle + " holds an entry named '" + name + "', which is not a plain path");
    }
    return Path.of("/").resolve(name).normalize();
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new OutputRefusedException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static void makeDirectories(Path dir, int mode) {
    try {
      if (!Files.isDirectory(dir)) {
        Path parent = dir.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
          makeDirectories(parent, 0700);
        }
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(permissions(mode)));
      }
    } catch (IOException e) {
      throw new OutputRefusedException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path target, TarGzReader.Entry e) {
    makeDirectories(target.getParent(), 0700);
    try (PartFile file = PartFile.create(target.resolveSibling(target.getFileName() + ".part"))) {
      file.channel().write(ByteBuffer.wrap(e.data()));
      Files.setPosixFilePermissions(file.path(), permissions(e.mode()));
      file.publish(target, false);
    } catch (IOException ex) {
      throw new OutputRefusedException("writing " + target + " failed: " + ex.getMessage(), ex);
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        out.add(all[i]);
      }
    }
    return out;
  }
}
