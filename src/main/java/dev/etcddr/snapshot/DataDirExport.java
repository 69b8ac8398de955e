package dev.etcddr.snapshot;

import dev.etcddr.bolt.BoltFile;
import dev.etcddr.manifest.EtcdManifest;
import dev.etcddr.manifest.ManifestReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * {@code datadir export}: a stopped member's {@code member/snap/db} as a snapshot file, for when quorum is lost and
 * a surviving member's data is newer than the newest snapshot. The db is copied (etcd must not hold it open),
 * checked as {@code snapshot verify --skip-hash-check} checks a raw db, given the SHA-256 trailer {@code snapshot
 * save} gives its files, and published with a sidecar naming its cluster (from the WAL) and the time its data is
 * from (the db's last write), so restore, drill, push and {@code snapshot latest} treat it as any snapshot. The data
 * dir is only read.
 */
public final class DataDirExport {
  private final Clock clock;
  private final String toolVersion;

  public DataDirExport(Clock clock, String toolVersion) {
    this.clock = clock;
    this.toolVersion = toolVersion;
  }

  public SaveResult export(ExportRequest r) {
    Optional<EtcdManifest> manifest = r.dataDir().isPresent() ? Optional.empty()
        : Optional.of(new ManifestReader().read(r.manifest()));
    Path dataDir = r.dataDir().orElseGet(() -> Path.of(manifest.get().hostDataDir().orElseThrow(() ->
        new dev.etcddr.manifest.ManifestException(r.manifest(), "no hostPath volume holds --data-dir "
            + manifest.get().dataDir() + ", so there is no data dir on this host to export"))));
    String name = r.memberName().orElseGet(() -> manifest.map(EtcdManifest::memberName).orElse("member"));
    Path db = dataDir.resolve("member/snap/db");
    if (!Files.isRegularFile(db)) {
      throw new InputFileException(db + " does not exist: " + dataDir + " holds no etcd member");
    }
    WalMetadata wal;
    try {
      wal = WalMetadata.read(dataDir.resolve("member/wal")).orElseThrow(() -> new InputFileException(dataDir
          + "/member/wal holds no WAL segment that names its cluster; without the cluster ID the copy could be"
          + " restored into the wrong cluster"));
    } catch (IOException e) {
      throw new InputFileException("cannot read " + dataDir + "/member/wal: " + e.getMessage());
    }
    List<String> holders = OpenFileHolders.of(db);
    if (!holders.isEmpty()) {
      throw new OutputRefusedException(db + " is open in " + String.join(", ", holders) + ": stop etcd on this"
          + " host first (a copy of a db in use may be torn)");
    }
    r.file().ifPresent(f -> SnapshotPublisher.refuseExisting(f, r.force()));
    Path dir = SnapshotPublisher.outputDirectory(r.file(), r.dir());
    Path part = dir.resolve(".datadir-export-" + clock.millis() + ".db.part");
    try (PartFile out = PartFile.create(part)) {
      BasicFileAttributes before = Files.readAttributes(db, BasicFileAttributes.class);
      java.security.MessageDigest data = sha256();
      try (FileChannel in = FileChannel.open(db, StandardOpenOption.READ)) {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        while (in.read(buf) > 0) {
          buf.flip();
          data.update(buf.duplicate());
          while (buf.hasRemaining()) {
            out.channel().write(buf);
          }
          buf.clear();
        }
      } catch (IOException e) {
        throw SnapshotPublisher.writeFailure(part, e);
      }
      BasicFileAttributes after = Files.readAttributes(db, BasicFileAttributes.class);
      if (before.size() != after.size() || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
        throw new OutputRefusedException(db + " changed while it was copied: is etcd running on this host?");
      }
      // The whole file's SHA-256 is the data's digest state fed the trailer too.
      java.security.MessageDigest whole = clone(data);
      byte[] trailer = data.digest();
      whole.update(trailer);
      String wholeSha256 = java.util.HexFormat.of().formatHex(whole.digest());
      ByteBuffer t = ByteBuffer.wrap(trailer);
      while (t.hasRemaining()) {
        out.channel().write(t);
      }
      SnapshotScan.Result scan = check(part, db);
      Instant dataTime = after.lastModifiedTime().toInstant().truncatedTo(ChronoUnit.SECONDS);
      Path target = r.file().orElseGet(() -> dir.resolve(new SnapshotName(wal.clusterId(), dataTime,
          scan.revision(), name).fileName()));
      if (r.file().isEmpty()) {
        SnapshotPublisher.refuseExisting(target, r.force());
      }
      SnapshotMetadata meta = new SnapshotMetadata(SnapshotMetadata.FORMAT, target.getFileName().toString(),
          String.format("%016x", wal.clusterId()), String.format("%016x", wal.memberId()), name,
          "datadir:" + dataDir, manifest.flatMap(EtcdManifest::etcdVersion).orElse(null), scan.revision(),
          scan.consistentIndex().orElse(0L), after.size(), after.size() + TrailerDigest.TRAILER,
          wholeSha256, dataTime.toString(), toolVersion, null, null, null, null, null,
          r.clusterName().orElse(null));
      Path sidecar = target.resolveSibling(target.getFileName() + ".json");
      SnapshotPublisher.publish(out, target, sidecar, meta, r.force());
      return new SaveResult(target, sidecar, meta, List.of());
    } catch (IOException e) {
      throw SnapshotPublisher.writeFailure(part, e);
    }
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static java.security.MessageDigest clone(java.security.MessageDigest d) {
    try {
      return (java.security.MessageDigest) d.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
    }
  }

  /** The checks {@code snapshot verify --skip-hash-check} makes on a raw db, on the copy. */
  private static SnapshotScan.Result check(Path copy, Path db) throws IOException {
    VerifyReport v = new SnapshotVerifier().verify(copy, true);
    if (!v.ok()) {
      throw new SnapshotIntegrityException(db + " is not a sound etcd db, refusing to export it: " + String.join(
          "; ", v.checks().stream().filter(c -> c.result().equals("fail")).map(c -> c.name() + ": " + c.detail())
              .toList()));
    }
    try (BoltFile f = BoltFile.open(copy)) {
      return SnapshotScan.scan(f);
    }
  }
}
