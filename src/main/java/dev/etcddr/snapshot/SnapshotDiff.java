package dev.etcddr.snapshot;

import dev.etcddr.access.AccessOptions;
import dev.etcddr.access.EtcdAccess;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.manifest.ManifestReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot's keys under a prefix against the live cluster's, read through one member at one revision (keys and
 * revisions only: no value leaves etcd). A key in both is unchanged when its mod revision is the same; written
 * since when not; recreated since when its create revision differs too (deleted, then made again under the same
 * name: an undelete must leave it alone).
 */
public final class SnapshotDiff {
  private static final int PAGE = 10_000;

  private SnapshotDiff() {}

  /** A live key, as a keys-only range gives it. */
  public record LiveKey(String key, long createRevision, long modRevision, long lease) {}

  /** A key in both whose mod revision moved. */
  public record Changed(String key, long snapshotModRevision, long liveModRevision, boolean recreated) {}

  public record Result(Path file, long snapshotRevision, String endpoint, long liveRevision,
      List<SnapshotKeys.StoredKey> onlyInSnapshot, List<LiveKey> onlyLive, List<Changed> changed, long unchanged) {}

  public static Result diff(Path file, byte[] prefix, AccessOptions options, Clock clock) {
    SnapshotKeys.Listing snapshot = SnapshotKeys.live(file, prefix);
    EtcdAccess access = EtcdAccess.resolve(options, new ManifestReader(), clock);
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      return connector.throughFirst(access.endpoints(), access.tls(), access.timeout(), "the key range",
          member -> compare(snapshot, member, prefix));
    }
  }

  private static Result compare(SnapshotKeys.Listing snapshot, EtcdEndpoint member, byte[] prefix) {
    List<LiveKey> onlyLive = new ArrayList<>();
    List<Changed> changed = new ArrayList<>();
    // the snapshot's keys a live key has not matched yet; byte[] has no natural order
    Map<byte[], SnapshotKeys.StoredKey> notSeen = new TreeMap<>(Arrays::compareUnsigned);
    snapshot.keys().forEach(k -> notSeen.put(k.key(), k));
    long[] unchanged = {0};
    long liveRevision = member.forEachKeyRevision(prefix, PAGE, 0, (key, create, mod, lease) -> {
      byte[] k = new byte[key.remaining()];
      key.get(k);
      SnapshotKeys.StoredKey then = notSeen.remove(k);
      String text = new String(k, StandardCharsets.UTF_8);
      if (then == null) {
        onlyLive.add(new LiveKey(text, create, mod, lease));
      } else if (then.modRevision() == mod) {
        unchanged[0]++;
      } else {
        changed.add(new Changed(text, then.modRevision(), mod, then.createRevision() != create));
      }
    });
    return new Result(snapshot.file(), snapshot.revision(), member.endpoint(), liveRevision,
        List.copyOf(notSeen.values()), List.copyOf(onlyLive), List.copyOf(changed), unchanged[0]);
  }
}
