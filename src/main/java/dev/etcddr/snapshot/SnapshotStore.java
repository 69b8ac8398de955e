package dev.etcddr.snapshot;

import java.nio.file.Path;
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
  void upload(Path snapshot);

  /** Removes a snapshot with its sidecar (first) and bundle. */
  void delete(String name);

  /** Copies a snapshot with its bundle and sidecar into a local directory. */
  void download(String name, Path dir);

  /** The files that travel with snapshot NAME, in upload order: the snapshot, its bundle, its sidecar. */
  static java.util.List<String> setOf(String name) {
    return java.util.List.of(name, name + BUNDLE_SUFFIX, name + ".json");
  }

  String BUNDLE_SUFFIX = ".bundle.tar.gz";

  /** Where this store is, for messages. */
  String location();

  @Override
  void close();
}
