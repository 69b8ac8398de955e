package dev.etcddr.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * A file written under a temporary {@code .part} name (created new, mode 0600), then fsynced and renamed over its
 * final name in one step, so no reader ever sees half a file at the final path. {@link #close()} removes the
 * {@code .part} if it was never published: every failure path, and a shutdown hook for Ctrl-C, end there. Public
 * so every file etcd-dr writes goes through this one implementation.
 */
public final class PartFile implements AutoCloseable {
  private final Path part;
  private final FileChannel channel;
  private final Thread cleanupOnExit;
  private boolean published;

  private PartFile(Path part, FileChannel channel) {
    this.part = part;
    this.channel = channel;
    this.cleanupOnExit = new Thread(this::deleteQuietly, "etcd-dr-part-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupOnExit);
  }

  public static PartFile create(Path part) {
    try {
      FileChannel ch = FileChannel.open(part, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      return new PartFile(part, ch);
    } catch (FileAlreadyExistsException e) {
      throw new OutputRefusedException(part + " already exists: another etcd-dr run is writing it, or an interrupted"
          + " one left it behind; remove it if none is running");
    } catch (AccessDeniedException e) {
      throw new OutputRefusedException("cannot write in " + part.getParent() + ": permission denied");
    } catch (NoSuchFileException e) {
      throw new OutputRefusedException("cannot write " + part + ": directory " + part.getParent() + " does not exist");
    } catch (FileSystemException e) {
      throw new OutputRefusedException("cannot write in " + part.getParent() + ": " + reason(e));
    } catch (IOException e) {
      throw new OutputRefusedException("cannot write " + part + ": " + e.getMessage(), e);
    }
  }

  public static String reason(FileSystemException e) {
    return e.getReason() != null ? e.getReason() : e.getMessage();
  }

  Path path() {
    return part;
  }

  public FileChannel channel() {
    return channel;
  }

  /** fsync the data, close, and rename over {@code target}; then fsync the directory so the rename is durable. */
  public void publish(Path target, boolean replace) throws IOException {
    channel.force(true);
    channel.close();
    if (replace) {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      // ATOMIC_MOVE replaces silently on Linux; a link-then-unlink makes "never overwrite" hold even in a race.
      Files.createLink(target, part);
      Files.delete(part);
    }
    published = true;
    syncDirectory(target.toAbsolutePath().getParent());
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private void deleteQuietly() {
    try {
      channel.close();
      Files.deleteIfExists(part);
    } catch (IOException e) {
      // Nothing more can be done in a shutdown hook; the message of the failure that got us here stands.
    }
  }

  @Override
  public void close() {
    if (!published) {
      deleteQuietly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs anyway.
    }
  }
}
