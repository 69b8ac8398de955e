package dev.etcddr.snapshot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code snapshot latest}: the newest snapshot of a store whose set is proven intact. Newest by the UTC time in the
 * default name (then revision, then name), never by mtime: a copy, restore from tape or rsync without -t resets
 * mtimes, and the name's time is when etcd was asked. Intact: the sidecar is there, parses, names the file, and the
 * file's size and SHA-256 (hashed now) equal the sidecar's; a bundle the sidecar names is there with its SHA-256.
 */
public final class LatestPicker {
  private record Candidate(String file, SnapshotName name) {}

  private static final Comparator<Candidate> NEWEST_FIRST = Comparator
      .comparing((Candidate c) -> c.name().takenAt()).thenComparingLong(c -> c.name().revision())
      .thenComparing(Candidate::file).reversed();

  private LatestPicker() {}

  public static LatestSnapshot pick(SnapshotStore store) {
    return pick(store, Optional.empty());
  }

  /**
   * The newest intact set; with {@code withHostBundle}, the newest intact set whose sidecar lists that host's own
   * bundle (what rebuilding that host needs); newer sets without one are passed over with the reason.
   */
  public static LatestSnapshot pick(SnapshotStore store, Optional<String> withHostBundle) {
    StoreSide side = store.side();
    List<Candidate> candidates = new ArrayList<>();
    for (StoredSnapshot s : store.list()) {
      SnapshotName.parse(s.name()).ifPresent(n -> candidates.add(new Candidate(s.name(), n)));
    }
    candidates.sort(NEWEST_FIRST);
    List<LatestSnapshot.Skipped> skipped = new ArrayList<>();
    for (Candidate c : candidates) {
      Check check;
      try {
        check = check(side, c.file());
      } catch (IOException e) {
        throw side.failure("checking " + c.file(), e);
      }
      if (check.reason() != null) {
        skipped.add(new LatestSnapshot.Skipped(c.file(), check.reason()));
        continue;
      }
      if (withHostBundle.isPresent() && check.facts().hostBundle(withHostBundle.get()).isEmpty()) {
        skipped.add(new LatestSnapshot.Skipped(c.file(), "its sidecar lists no host bundle of "
            + withHostBundle.get()));
        continue;
      }
      return new LatestSnapshot(store.location(), c.file(), side.localPath(c.file()), c.name(),
          check.facts().clusterName(), check.facts().fileSize(), check.facts().sha256(),
          LatestSnapshot.SIZE_AND_SHA256, check.facts().hostBundles(), List.copyOf(skipped));
    }
    String why = skipped.isEmpty() ? "it holds no snapshot with a default name (etcd-<cluster>-<time>-r<rev>-"
        + "<member>.db)" : "none of its " + skipped.size() + " snapshot(s) is verified: " + String.join("; ",
            skipped.stream().map(s -> s.file() + ": " + s.reason()).toList());
    throw new InputFileException(store.location() + ": no verified snapshot; " + why);
  }

  private record Check(SidecarFacts facts, String reason) {
    static Check failed(String reason) {
      return new Check(null, reason);
    }
  }

  /** The candidate's sidecar when the set is intact, else why it cannot be trusted. */
  private static Check check(StoreSide side, String file) throws IOException {
    if (side.size(file + ".json").isEmpty()) {
      return Check.failed("no sidecar " + file + ".json");
    }
    SidecarFacts facts;
    try {
      facts = SidecarFacts.parse(SetCopy.readSidecar(side, file));
    } catch (IOException | SnapshotIntegrityException e) {
      return Check.failed("sidecar is not readable: " + e.getMessage());
    }
    Optional<String> p = facts.problemFor(file);
    if (p.isPresent()) {
      return Check.failed(p.get());
    }
    OptionalLong size = side.size(file);
    if (size.isEmpty() || size.getAsLong() != facts.fileSize()) {
      return Check.failed("file has " + (size.isEmpty() ? "vanished" : size.getAsLong() + " bytes")
          + ", its sidecar says " + facts.fileSize());
    }
    String sha = side.sha256Hex(file);
    if (!sha.equals(facts.sha256())) {
      return Check.failed("file has sha256 " + sha + ", its sidecar says " + facts.sha256());
    }
    if (facts.bundle() != null) {
      if (side.size(facts.bundle()).isEmpty()) {
        return Check.failed("its sidecar names bundle " + facts.bundle() + ", which is not in the store");
      }
      String bsha = side.sha256Hex(facts.bundle());
      if (!bsha.equals(facts.bundleSha256())) {
        return Check.failed("bundle " + facts.bundle() + " has sha256 " + bsha + ", its sidecar says "
            + facts.bundleSha256());
      }
    }
    for (SidecarFacts.HostBundle b : facts.hostBundles()) {
      OptionalLong bsize = side.size(b.file());
      if (bsize.isEmpty() || bsize.getAsLong() != b.size()) {
        return Check.failed("host bundle " + b.file() + " has " + (bsize.isEmpty() ? "vanished" : bsize.getAsLong()
            + " bytes") + ", its sidecar says " + b.size());
      }
      String bsha = side.sha256Hex(b.file());
      if (!bsha.equals(b.sha256())) {
        return Check.failed("host bundle " + b.file() + " has sha256 " + bsha + ", its sidecar says " + b.sha256());
      }
    }
    return new Check(facts, null);
  }
}
