package dev.etcddr.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Where backups are kept: a directory on this host, or an SFTP server. Each snapshot travels with its sidecar. */
public interface SnapshotStore extends AutoCloseable {
  String BUNDLE_SUFFIX = ".bundle.tar.gz";
  /** What an age-encrypted file's name ends with; a packed snapshot so named has its bundles encrypted too. */
  String AGE_SUFFIX = ".age";

  /** Snapshots with default names, newest first; {@code .part} files and other names are ignored. */
  List<StoredSnapshot> list();

  /** This store's directory as one end of a copy. */
  StoreSide side();

  /**
   * Puts the snapshot, its bundle if the sidecar names one, and its sidecar (last) in the store under their own
   * names, each checked against the sidecar (see {@link SetCopy}); the store's directory is created if missing.
   */
  default List<SetCopy.CopiedFile> upload(Path snapshot) {
    return new SetCopy(new LocalSide(snapshot.toAbsolutePath().getParent()), side())
        .copy(snapshot.getFileName().toString());
  }

  /** Copies a snapshot with its bundle and sidecar into a local directory, checked the same way. */
  default List<SetCopy.CopiedFile> download(String name, Path dir) {
    return new SetCopy(side(), new LocalSide(dir)).copy(name);
  }

  /**
   * Removes a snapshot with its sidecar (first), the host bundles the sidecar lists, and its bundle. A sidecar that
   * cannot be read lists none: the files it would have named stay (a few KB each), never a file it does not name.
   */
  default void delete(String name) {
    List<String> set = new ArrayList<>(setOf(name));
    set.addAll(1, hostBundlesOf(name));
    Collections.reverse(set);
    set.forEach(this::remove);
  }

  private List<String> hostBundlesOf(String name) {
    try {
      if (side().size(name + ".json").isEmpty()) {
        return List.of();
      }
      SidecarFacts facts = SidecarFacts.parse(SetCopy.readSidecar(side(), name));
      if (facts.problemFor(name).isPresent()) {
        return List.of();
      }
      return facts.hostBundles().stream().map(SidecarFacts.HostBundle::file).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /**
   * The file name of host HOST's own bundle beside snapshot NAME: {@code NAME.bundle.HOST.tar.gz}, with
   * {@code .age} added when NAME is encrypted (ends with {@code .age}): bundles hold the cluster's CA keys, so a
   * packed set with recipients carries none in the clear.
   */
  static String hostBundleName(String name, String host) {
    return name + ".bundle." + host + ".tar.gz" + encryptedSuffix(name);
  }

  /** The file name of the bundle beside snapshot NAME: {@code NAME.bundle.tar.gz}, {@code .age} added as above. */
  static String bundleName(String name) {
    return name + BUNDLE_SUFFIX + encryptedSuffix(name);
  }

  private static String encryptedSuffix(String name) {
    return name.endsWith(AGE_SUFFIX) ? AGE_SUFFIX : "";
  }

  /** Removes one file of the store if it is there. */
  void remove(String fileName);

  /** The files that travel with every snapshot NAME, in upload order: the snapshot, its bundle, its sidecar. */
  static List<String> setOf(String name) {
    return List.of(name, bundleName(name), name + ".json");
  }

  /** Where this store is, for messages. */
  String location();

  @Override
  void close();
}
