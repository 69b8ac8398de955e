package dev.etcddr.snapshot;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** A directory on this host as one end of a copy. */
public final class LocalSide implements StoreSide {
  private final Path dir;

  public LocalSide(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  private Path file(String name) {
    Path p = dir.resolve(name).normalize();
    if (!p.getParent().equals(dir)) {
      throw new IllegalArgumentException(name + ": not a plain file name");
    }
    return p;
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public OptionalLong size(String name) throws IOException {
    Path p = file(name);
    return Files.isRegularFile(p) ? OptionalLong.of(Files.size(p)) : OptionalLong.empty();
  }

  @Override
  public InputStream open(String name, long offset) throws IOException {
    FileChannel ch = FileChannel.open(file(name), StandardOpenOption.READ);
    ch.position(offset);
    return Channels.newInputStream(ch);
  }

  @Override
  public OutputStream create(String name, boolean append) throws IOException {
    Set<StandardOpenOption> opts = append
        ? EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND)
        : EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    FileChannel ch = FileChannel.open(file(name), opts,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.setPosixFilePermissions(file(name), PosixFilePermissions.fromString("rw-------"));
    return new FilterOutputStream(Channels.newOutputStream(ch)) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        try {
          ch.force(true);
        } finally {
          super.close();
        }
      }
    };
  }

  @Override
  public void publish(String from, String to) throws IOException {
    // ATOMIC_MOVE replaces silently on Linux; link-then-unlink fails if the final name exists, even in a race.
    Files.createLink(file(to), file(from));
    Files.delete(file(from));
    PartFile.syncDirectory(dir);
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(file(name));
  }

  @Override
  public void makeDirectories() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  @Override
  public boolean local() {
    return true;
  }

  @Override
  public Optional<Path> localPath(String name) {
    return Optional.of(file(name));
  }

  @Override
  public RuntimeException failure(String doing, IOException e) {
    String why = e instanceof FileSystemException fse ? PartFile.reason(fse) : e.getMessage();
    return new OutputRefusedException(doing + " in " + dir + " failed: " + why, e);
  }
}
