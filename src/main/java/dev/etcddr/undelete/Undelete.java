package dev.etcddr.undelete;

import dev.etcddr.access.AccessOptions;
import dev.etcddr.access.EtcdAccess;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.etcd.EtcdKeyWriter;
import dev.etcddr.etcd.EtcdKeyWriter.GuardedPut;
import dev.etcddr.etcd.EtcdKeyWriter.LiveRevisions;
import dev.etcddr.etcd.EtcdKeyWriter.PutOutcome;
import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.kube.KubeValue;
import dev.etcddr.kube.OwnerReference;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.SnapshotKeys;
import dev.etcddr.snapshot.SnapshotKeys.StoredKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Brings keys back from a snapshot into the running cluster: the snapshot's keys under a prefix (or the keys
 * named) are compared with the live ones through one member, planned ({@link UndeletePlan}), and each key to
 * write is put with its exact bytes in a transaction of its own that succeeds only if the key is still as the
 * plan saw it (absent, unless named for overwrite). The apiservers keep running: their watches see the creates as
 * any other write. A dry run stops after the plan.
 */
public final class Undelete {
  private Undelete() {}

  /**
   * @param prefix the keys to consider (empty when {@code keys} names them)
   * @param overwrite keys (among those considered) to replace even when present live
   * @param writeHeld write the keys the plan holds back too
   * @param batch puts in flight at once
   * @param encryption how to tell which encrypted values the apiserver can read
   */
  public record Request(Path file, String prefix, Set<String> keys, Set<String> overwrite, boolean dryRun,
      boolean writeHeld, int batch, AccessOptions access, EncryptionSource encryption) {
    public Request {
      keys = Set.copyOf(keys);
      overwrite = Set.copyOf(overwrite);
    }
  }

  /** An EncryptionConfiguration file, or (when null) the kube-apiserver manifest that names it. */
  public record EncryptionSource(Path config, Path apiserverManifest) {}

  public record Result(Path file, long snapshotRevision, String endpoint, long liveRevision, boolean dryRun,
      UndeletePlan.Plan plan, List<PutOutcome> outcomes) {}

  public static Result run(Request r, Clock clock) {
    if (r.prefix().isEmpty() == r.keys().isEmpty()) {
      throw new UndeleteRequestException("give a prefix or keys to bring back (one of the two)");
    }
    if (r.batch() < 1) {
      throw new UndeleteRequestException("the batch size must be at least 1, not " + r.batch());
    }
    SnapshotKeys.Listing snapshot = r.keys().isEmpty()
        ? SnapshotKeys.live(r.file(), r.prefix().getBytes(StandardCharsets.UTF_8))
        : SnapshotKeys.live(r.file(), r.keys());
    Set<String> inSnapshot = new HashSet<>();
    snapshot.keys().forEach(k -> inSnapshot.add(k.keyText()));
    Set<String> notThere = new TreeSet<>(r.keys());
    notThere.removeAll(inSnapshot);
    if (!notThere.isEmpty()) {
      throw new InputFileException(r.file() + " holds no live key " + String.join(", ", notThere) + " at revision "
          + snapshot.revision() + " (snapshot ls lists what it holds); nothing was written");
    }
    Set<String> strayOverwrite = new TreeSet<>(r.overwrite());
    strayOverwrite.removeAll(inSnapshot);
    if (!strayOverwrite.isEmpty()) {
      throw new UndeleteRequestException("--overwrite names " + String.join(", ", strayOverwrite) + ", not among"
          + " the snapshot's keys asked for; nothing was written");
    }
    EtcdAccess access = EtcdAccess.resolve(r.access(), new ManifestReader(), clock);
    EncryptionKeys decryption = new EncryptionKeys(r.encryption());
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      return connector.throughFirst(access.endpoints(), access.tls(), access.timeout(), "the undelete",
          member -> undelete(r, snapshot, member, decryption));
    }
  }

  private static Result undelete(Request r, SnapshotKeys.Listing snapshot, EtcdEndpoint member,
      EncryptionKeys decryption) {
    long leader = member.statusOnly().leaderId();
    if (leader == 0) {
      // a write through a member without a leader would hang until the timeout, half the batch sent
      throw new EtcdUnavailableException("has no leader");
    }
    EtcdKeyWriter writer = new EtcdKeyWriter(member);
    List<StoredKey> candidates = snapshot.keys();
    List<LiveRevisions> live = writer.revisions(candidates.stream().map(StoredKey::key).toList());
    UndeletePlan.Plan plan = UndeletePlan.plan(candidates, live::get, r.overwrite(),
        owners(r.file(), candidates, writer), decryption, r.writeHeld());
    long liveRevision = member.statusOnly().revision();
    List<PutOutcome> outcomes = new ArrayList<>();
    if (!r.dryRun()) {
      List<UndeletePlan.Write> writes = plan.writes();
      for (int from = 0; from < writes.size(); from += r.batch()) {
        List<GuardedPut> batch = writes.subList(from, Math.min(writes.size(), from + r.batch())).stream()
            .map(w -> new GuardedPut(w.key().key(), w.key().value(), w.expectedModRevision())).toList();
        outcomes.addAll(writer.put(batch));
      }
    }
    return new Result(snapshot.file(), snapshot.revision(), member.endpoint(), liveRevision, r.dryRun(), plan,
        List.copyOf(outcomes));
  }

  /**
   * Owners not being brought back are looked up by uid in the snapshot (only the uids asked for are kept) and
   * then live by key: the same key with the same create revision is the same object, so the same uid.
   */
  private static UndeletePlan.Owners owners(Path file, List<StoredKey> candidates, EtcdKeyWriter writer) {
    Set<String> wanted = new HashSet<>();
    for (StoredKey k : candidates) {
      if (k.decoded() instanceof KubeValue.Decoded d) {
        d.metadata().ownerReferences().forEach(o -> wanted.add(o.uid()));
      }
    }
    candidates.forEach(k -> {
      if (k.decoded() instanceof KubeValue.Decoded d) {
        wanted.remove(d.metadata().uid());
      }
    });
    Map<String, StoredKey> found = SnapshotKeys.liveByUid(file, wanted);
    List<String> uids = new ArrayList<>(found.keySet());
    List<LiveRevisions> live = writer.revisions(uids.stream().map(u -> found.get(u).key()).toList());
    return (OwnerReference o) -> {
      int i = uids.indexOf(o.uid());
      if (i < 0) {
        return Optional.of("is not in the snapshot");
      }
      StoredKey then = found.get(o.uid());
      LiveRevisions now = live.get(i);
      if (!now.exists()) {
        return Optional.of("is gone from the live cluster (" + then.keyText() + ")");
      }
      return now.createRevision() == then.createRevision() ? Optional.empty()
          : Optional.of("was deleted and " + then.keyText() + " made again since (another uid)");
    };
  }
}
