package dev.etcddr.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small real filesystems for fault tests (root only): a full disk, a read-only directory. */
public final class Mounts implements AutoCloseable {
  private final Path mountPoint;

  private Mounts(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** A tmpfs of the given size (e.g. "64k"); "ro" options make it read-only. */
  public static Mounts tmpfs(Path mountPoint, String options) throws java.io.IOException {
    Files.createDirectories(mountPoint);
    Proc.run(List.of("mount", "-t", "tmpfs", "-o", options, "etcd-dr-test", mountPoint.toString())).requireSuccess();
    return new Mounts(mountPoint);
  }

  public Path path() {
    return mountPoint;
  }

  @Override
  public void close() {
    Proc.run(List.of("umount", mountPoint.toString())).requireSuccess();
  }
}
