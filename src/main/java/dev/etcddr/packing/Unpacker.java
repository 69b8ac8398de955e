package dev.etcddr.packing;

import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.PartFile;
import dev.etcddr.snapshot.SnapshotFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code snapshot unpack}: one packed file (a snapshot, or a packed set's bundle or host bundle) back to its raw
 * bytes, under {@code .part} and renamed once both forms checked out against the sidecar that speaks of it. Only
 * that file: the raw set's sidecar and bundles are the raw set's, which pack left in place.
 */
public final class Unpacker {
  /** @param out where to write; empty: the name without {@code .age} and {@code .zst}, beside the file */
  public UnpackResult unpack(Path file, Optional<Path> ageIdentity, Optional<Path> out) {
    SnapshotFiles.requireReadable(file);
    if (PackedReader.detect(file) == Layers.RAW) {
      throw new InputFileException(file + " is not packed: it starts with neither a zstd frame nor an age header");
    }
    String name = file.getFileName().toString();
    if (out.isEmpty() && Names.rawName(name).equals(name)) {
      throw new OutputRefusedException(file + ": its name ends in neither .zst nor .age, so the raw name is not"
          + " known; give --out RAW");
    }
    Path target = out.orElseGet(() -> file.resolveSibling(Names.rawName(name))).toAbsolutePath().normalize();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new OutputRefusedException(target + " already exists; not replacing it (give another --out)");
    }
    Optional<PackedSidecar> expected = PackedSidecar.of(file);
    try (PackedReader reader = PackedReader.open(file, Keys.identities(ageIdentity));
         PartFile part = PartFile.create(target.resolveSibling(target.getFileName() + ".part"))) {
      // Flushed, not closed: closing it would close the channel that publish() fsyncs.
      OutputStream o = new BufferedOutputStream(Channels.newOutputStream(part.channel()), 1 << 16);
      PackedReader.Result r = reader.copyTo(o, expected);
      o.flush();
      part.publish(target, false);
      return new UnpackResult(file.toString(), target.toString(), r.layers(), r.size(), r.sha256(), r.rawSize(),
          r.rawSha256(), expected.map(x -> x.sidecar().toString()).orElse(null));
    } catch (IOException e) {
      String why = e instanceof FileSystemException f ? PartFile.reason(f) : e.getMessage();
      throw new OutputRefusedException("writing " + target + " failed: " + why + "; nothing was kept", e);
    }
  }
}
