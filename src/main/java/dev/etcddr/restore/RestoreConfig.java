package dev.etcddr.restore;

import java.nio.file.Path;
import java.util.List;

/**
 * What to restore and as whom; field names follow etcdutl's RestoreConfig so flags map one to one.
 *
 * @param name this member's name (--name)
 * @param initialCluster every member as name=peerURL, comma separated; a name may repeat for several URLs
 * @param initialClusterToken hashed into every member ID: a new token per restore keeps old members out
 * @param initialAdvertisePeerUrls this member's peer URLs; must equal its entries in initialCluster
 * @param dataDir the data dir to create; must not exist or be empty
 * @param bumpRevision add this to the latest revision (with markCompacted), so revisions never go backwards
 */
public record RestoreConfig(
    Path snapshot,
    String name,
    String initialCluster,
    String initialClusterToken,
    List<String> initialAdvertisePeerUrls,
    Path dataDir,
    boolean skipHashCheck,
    long bumpRevision,
    boolean markCompacted) {
  /** The same restore from another file: a packed snapshot's raw copy. */
  public RestoreConfig withSnapshot(Path file) {
    return new RestoreConfig(file, name, initialCluster, initialClusterToken, initialAdvertisePeerUrls, dataDir,
        skipHashCheck, bumpRevision, markCompacted);
  }
}
