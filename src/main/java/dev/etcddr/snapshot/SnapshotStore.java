package dev.etcddr.snapshot;

import java.nio.file.Path;
import java.util.List;

/** Where backups are kept: a directory on this host, or an SFTP server. Each snapshot travels with its sidecar. */
public interface SnapshotStore extends AutoCloseable {
  /** Snapshots with default names, newest first; {@code .part} files and other names are ignored. */
  List<StoredSnapshot> list();

  /**
   * Puts the snapshot and its sidecar in the store under their own names. Each appears under its final name only
   * when complete; running it again after an interruption finishes the job; an existing file of another size is
   * never replaced.
   */
  void upload(Path snapshot, Path sidecar);

  /** Removes a snapshot and its sidecar (sidecar first). */
  void delete(String name);

  /** Copies a snapshot and its sidecar into a local directory. */
  void download(String name, Path dir);

  /** Where this store is, for messages. */
  String location();

  @Override
  void close();
}
