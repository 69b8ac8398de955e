package dev.etcddr.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  public StoreSide side() {
    return new LocalSide(dir);
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
  public void close() {}
}
