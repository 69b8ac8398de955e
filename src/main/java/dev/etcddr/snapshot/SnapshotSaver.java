package dev.etcddr.snapshot;

import dev.etcddr.EtcdDrException;
import dev.etcddr.access.EtcdAccess;
import dev.etcddr.manifest.ManifestReader;
import dev.etcddr.bolt.BoltFormatException;
import dev.etcddr.etcd.EtcdConnector;
import dev.etcddr.etcd.EtcdEndpoint;
import dev.etcddr.etcd.EtcdUnavailableException;
import dev.etcddr.etcd.HashKv;
import dev.etcddr.etcd.MemberStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code snapshot save}: one member's snapshot, streamed to a {@code .part} file, its SHA-256 trailer verified,
 * fsynced, and published under its final name together with a sidecar. On any failure nothing is left at the
 * final path and no {@code .part} remains; earlier snapshots are never touched.
 */
public final class SnapshotSaver {
  private final Clock clock;
  private final String toolVersion;

  public SnapshotSaver(Clock clock, String toolVersion) {
    this.clock = clock;
    this.toolVersion = toolVersion;
  }

  public SaveResult save(SaveRequest request, SaveProgress progress) {
    try (EtcdConnector connector = EtcdConnector.start(clock)) {
      EtcdAccess access = EtcdAccess.resolve(request.access(), new ManifestReader(), clock);
      request.file().ifPresent(f -> SnapshotPublisher.refuseExisting(f, request.force()));
      return save(connector, access, request, progress);
    }
  }

  private SaveResult save(EtcdConnector connector, EtcdAccess access, SaveRequest request, SaveProgress progress) {
    Path dir = SnapshotPublisher.outputDirectory(request.file(), request.dir());
    List<SourceSelector.Probe> probes = new ArrayList<>();
    List<EtcdEndpoint> opened = new ArrayList<>();
    List<EtcdDrException> failures = new ArrayList<>();
    try {
      for (String endpoint : access.endpoints()) {
        try {
          EtcdEndpoint e = connector.open(endpoint, access.tls(), access.timeout());
          opened.add(e);
          probes.add(SourceSelector.Probe.answered(e.status()));
        } catch (EtcdDrException ex) {
          failures.add(ex);
          probes.add(SourceSelector.Probe.failed(endpoint, ex.getMessage()));
        }
      }
      boolean noneAnswered = failures.size() == access.endpoints().size();
      boolean oneCause = failures.stream().map(Object::getClass).distinct().count() == 1;
      if (noneAnswered && oneCause && (failures.size() == 1 || !(failures.get(0) instanceof EtcdUnavailableException))) {
        // One endpoint, or one TLS cause for all (the same wrong CA): its own message and exit code. Several
        // unreachable members are listed together below.
        throw failures.get(0);
      }
      SourceSelector.Choice choice = SourceSelector.choose(probes);
      progress.sourceChosen(choice.source(), choice.passedOver());
      EtcdEndpoint source = opened.stream().filter(e -> e.endpoint().equals(choice.source().endpoint()))
          .findFirst().orElseThrow();
      return stream(source, choice, request, dir, progress);
    } finally {
      opened.forEach(EtcdEndpoint::close);
    }
  }

  private SaveResult stream(EtcdEndpoint source, SourceSelector.Choice choice, SaveRequest request, Path dir,
      SaveProgress progress) {
    MemberStatus member = choice.source();
    Instant takenAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Path part = request.file().map(f -> f.resolveSibling(f.getFileName() + ".part"))
        .orElseGet(() -> dir.resolve("etcd-snapshot-in-progress-" + ProcessHandle.current().pid() + ".db.part"));
    try (PartFile snapshotPart = PartFile.create(part)) {
      TrailerDigest digest = new TrailerDigest();
      FileChannel out = snapshotPart.channel();
      try {
        source.snapshot(chunk -> {
          digest.update(chunk);
          ByteBuffer b = chunk.duplicate();
          while (b.hasRemaining()) {
            out.write(b);
          }
          progress.received(digest.total());
        });
      } catch (IOException e) {
        throw SnapshotPublisher.writeFailure(part, e);
      }
      digest.verify(member.memberName() + " (" + member.endpoint() + ")");
      DbFacts facts = readFacts(part);
      Optional<HashKv> hashKv = hashKvAt(source, facts.revision());
      Path target = request.file().orElseGet(() -> dir.resolve(
          new SnapshotName(member.clusterId(), takenAt, facts.revision(), member.memberName()).fileName()));
      if (request.file().isEmpty()) {
        SnapshotPublisher.refuseExisting(target, request.force());
      }
      Optional<BundleWriter.Bundle> bundle = Optional.empty();
      Path bundlePath = target.resolveSibling(target.getFileName() + ".bundle.tar.gz");
      if (request.bundle()) {
        if (!request.force() && Files.exists(bundlePath)) {
          throw new OutputRefusedException(bundlePath + " already exists; pass --force to replace it");
        }
        bundle = Optional.of(BundleWriter.writeFor(bundlePath, request.access().manifest(), request.force()));
      }
      SnapshotMetadata meta = new SnapshotMetadata(SnapshotMetadata.FORMAT, target.getFileName().toString(),
          String.format("%016x", member.clusterId()), String.format("%016x", member.memberId()),
          member.memberName(), member.endpoint(), member.version(), facts.revision(), facts.consistentIndex(),
          digest.total() - TrailerDigest.TRAILER, digest.total(), digest.wholeFileSha256(), takenAt.toString(),
          toolVersion, bundle.map(b -> b.file().getFileName().toString()).orElse(null),
          bundle.map(BundleWriter.Bundle::sha256).orElse(null),
          bundle.flatMap(BundleWriter.Bundle::encryptionConfig).orElse(null), hashKv.map(HashKv::hash).orElse(null),
          hashKv.map(HashKv::compactRevision).orElse(null), request.clusterName().orElse(null));
      Path sidecar = target.resolveSibling(target.getFileName() + ".json");
      try {
        SnapshotPublisher.publish(snapshotPart, target, sidecar, meta, request.force());
      } catch (RuntimeException e) {
        if (bundle.isPresent()) {
          try {
            Files.deleteIfExists(bundlePath);
          } catch (IOException ignored) {
            // the snapshot failed; a lone bundle names nothing and is removed by hand at worst
          }
        }
        throw e;
      }
      progress.finished();
      return new SaveResult(target, sidecar, meta, choice.passedOver());
    }
  }

  /**
   * The source's HashKV at the snapshot's revision, for the drill to compare a restored member with. Asked at once,
   * before a compaction can pass that revision; a member that cannot answer costs the sidecar this one field, never
   * the backup.
   */
  private static Optional<HashKv> hashKvAt(EtcdEndpoint source, long revision) {
    try {
      return Optional.of(source.hashKv(revision));
    } catch (EtcdDrException e) {
      return Optional.empty();
    }
  }

  private static DbFacts readFacts(Path part) {
    try {
      return DbFacts.read(part);
    } catch (BoltFormatException e) {
      throw new SnapshotIntegrityException("the snapshot passed its SHA-256 check but is not a readable etcd"
          + " database: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new OutputRefusedException("cannot read back " + part + ": " + e.getMessage(), e);
    }
  }

}
