package dev.etcddr.undelete;

import dev.etcddr.etcd.EtcdKeyWriter.LiveRevisions;
import dev.etcddr.kube.KubeValue;
import dev.etcddr.kube.OwnerReference;
import dev.etcddr.snapshot.SnapshotKeys.StoredKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which of a snapshot's keys an undelete writes, and why each other one is left alone, decided before anything is
 * written. A key comes back only when it is absent live (or the operator named it to be overwritten) and nothing
 * says the apiserver would undo or choke on it: a key on a lease (events, master leases) is transient by design,
 * an object whose owner is gone would be deleted again by the garbage collector, and a value encrypted with a key
 * the apiserver no longer has could not be read. Those are held back with the reason; the caller may write them
 * anyway.
 */
public final class UndeletePlan {
  /** Why a key is held back. Names are stable: they are in {@code -o json}. */
  public enum Hold {
    LEASED, OWNER_MISSING, ENCRYPTION_KEY_MISSING;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A key the undelete writes; {@code expectedModRevision} 0 when it must still be absent. */
  public record Write(StoredKey key, long expectedModRevision) {}

  /** A key present live and not named for overwrite: left exactly as it is. */
  public record Present(StoredKey key, LiveRevisions live) {
    /** Deleted and made again under the same name since the snapshot (another object now). */
    public boolean recreated() {
      return live.createRevision() != key.createRevision();
    }

    public boolean unchanged() {
      return live.modRevision() == key.modRevision();
    }
  }

  public record Held(StoredKey key, Hold reason, String detail) {}

  /** What the apiserver reading the values can decrypt: a key name check, or why it cannot be told. */
  public interface Decryption {
    /** Empty when the apiserver can read values written with this key; otherwise why not. */
    Optional<String> problem(KubeValue.Encrypted value);
  }

  /** Whether an owner that is not itself being brought back still exists: empty if so, else what is wrong. */
  public interface Owners {
    Optional<String> missing(OwnerReference owner);
  }

  public record Plan(List<Write> writes, List<Present> present, List<Held> held) {}

  private UndeletePlan() {}

  /**
   * @param candidates the snapshot's keys asked for, in key order
   * @param live each candidate's live revisions, by the candidate's index
   * @param overwrite keys the operator named to be replaced by the snapshot's value if present
   * @param writeHeld write the held keys too (they are still reported)
   */
  public static Plan plan(List<StoredKey> candidates, Function<Integer, LiveRevisions> live, Set<String> overwrite,
      Owners owners, Decryption decryption, boolean writeHeld) {
    List<Present> present = new ArrayList<>();
    Map<String, Write> writes = new LinkedHashMap<>();
    Map<String, Held> held = new LinkedHashMap<>();
    Map<String, StoredKey> byUid = new HashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      StoredKey k = candidates.get(i);
      LiveRevisions now = live.apply(i);
      if (now.exists() && !overwrite.contains(k.keyText())) {
        present.add(new Present(k, now));
        continue;
      }
      writes.put(k.keyText(), new Write(k, now.exists() ? now.modRevision() : 0));
      if (k.decoded() instanceof KubeValue.Decoded d && !d.metadata().uid().isEmpty()) {
        byUid.put(d.metadata().uid(), k);
      }
    }
    for (Write w : writes.values()) {
      StoredKey k = w.key();
      if (k.lease() != 0) {
        held.put(k.keyText(), new Held(k, Hold.LEASED, "it was on lease " + Long.toHexString(k.lease())
            + " (events and master leases expire by design; written back it would never expire)"));
      } else if (k.decoded() instanceof KubeValue.Encrypted e) {
        decryption.problem(e).ifPresent(why -> held.put(k.keyText(), new Held(k, Hold.ENCRYPTION_KEY_MISSING, why)));
      }
    }
    // An owner held back is as good as missing; repeat until no hold adds another (chains of owners).
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Write w : writes.values()) {
        StoredKey k = w.key();
        if (held.containsKey(k.keyText()) || !(k.decoded() instanceof KubeValue.Decoded d)) {
          continue;
        }
        for (OwnerReference o : d.metadata().ownerReferences()) {
          Optional<String> why = ownerProblem(o, byUid, held, owners);
          if (why.isPresent()) {
            held.put(k.keyText(), new Held(k, Hold.OWNER_MISSING, why.get()
                + ": the garbage collector would delete it again"));
            grew = true;
            break;
          }
        }
      }
    }
    List<Write> out = writes.values().stream().filter(w -> writeHeld || !held.containsKey(w.key().keyText()))
        .toList();
    List<Held> heldInKeyOrder = writes.keySet().stream().filter(held::containsKey).map(held::get).toList();
    return new Plan(out, List.copyOf(present), heldInKeyOrder);
  }

  private static Optional<String> ownerProblem(OwnerReference o, Map<String, StoredKey> comingBack,
      Map<String, Held> held, Owners owners) {
    String who = "owner " + o.kind() + "/" + o.name() + " (uid " + o.uid() + ")";
    StoredKey owner = comingBack.get(o.uid());
    if (owner != null) {
      return held.containsKey(owner.keyText())
          ? Optional.of(who + " is held back itself (" + owner.keyText() + ")") : Optional.empty();
    }
    return owners.missing(o).map(why -> who + " " + why);
  }
}
