package dev.etcddr.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A directory of snapshots on this host (the controller's backup dir, or a host's local dir). */
public final class LocalStore implements SnapshotStore {
  private final Path dir;

  public LocalStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return dir.toString();
  }

  @Override
  public List<StoredSnapshot> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<StoredSnapshot> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String n = p.getFileName().toString();
        Optional<SnapshotName> parsed = SnapshotName.parse(n);
        if (parsed.isPresent() && Files.isRegularFile(p)) {
          out.add(new StoredSnapshot(n, parsed.get().takenAt(), parsed.get().revision(), Files.size(p),
              Files.isRegularFile(dir.resolve(n + ".json"))));
        }
      }
    } catch (IOException e) {
      throw new OutputRefusedException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(StoredSnapshot::takenAt).reversed());
    return out;
  }

  @Override
  public void put(Path file) {
    Path target = dir.resolve(file.getFileName());
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (Files.exists(target)) {
        if (Files.size(target) == Files.size(file)) {
          return; // already there from an earlier run
        }
        throw new OutputRefusedException(target + " exists with another size; not replacing it");
      }
      Path part = dir.resolve(file.getFileName() + ".part");
      Files.copy(file, part, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new OutputRefusedException("cannot store " + file.getFileName() + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void remove(String fileName) {
    try {
      Files.deleteIfExists(dir.resolve(fileName));
    } catch (IOException e) {
      throw new OutputRefusedException("cannot delete " + fileName + " from " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void download(String name, Path target) {
    new LocalStore(target).upload(dir.resolve(name));
  }

  @Override
  public void close() {}
}
