package dev.etcddr.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.List;

/** Where backups are kept: a directory on this host, or an SFTP server. Each snapshot travels with its sidecar. */
public interface SnapshotStore extends AutoCloseable {
  /** Snapshots with default names, newest first; {@code .part} files and other names are ignored. */
  List<StoredSnapshot> list();

  /**
   * Puts the snapshot, its bundle if there is one, and its sidecar (last) in the store under their own names. Each
   * appears under its final name only when complete; running it again after an interruption finishes the job; an
   * existing file of another size is never replaced.
   */
  default void upload(Path snapshot) {
    for (String n : setOf(snapshot.getFileName().toString())) {
      Path f = snapshot.resolveSibling(n);
      if (java.nio.file.Files.isRegularFile(f)) {
        put(f);
      }
    }
  }

  /** Removes a snapshot with its sidecar (first) and bundle. */
  default void delete(String name) {
    List<String> set = new java.util.ArrayList<>(setOf(name));
    java.util.Collections.reverse(set);
    set.forEach(this::remove);
  }

  /** Stores one file under its own name: .part first, size checked, renamed; kept if already there. */
  void put(Path file);

  /** Removes one file of the store if it is there. */
  void remove(String fileName);

  /** Copies a snapshot with its bundle and sidecar into a local directory. */
  void download(String name, Path dir);

  /** The files that travel with snapshot NAME, in upload order: the snapshot, its bundle, its sidecar. */
  static List<String> setOf(String name) {
    return List.of(name, name + BUNDLE_SUFFIX, name + ".json");
  }

  String BUNDLE_SUFFIX = ".bundle.tar.gz";

  /** Where this store is, for messages. */
  String location();

  @Override
  void close();
}
