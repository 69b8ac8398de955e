package dev.etcddr.snapshot;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Copies a snapshot set (snapshot, bundle, host bundles, sidecar) between two {@link StoreSide}s — push and pull, local, SFTP and
 * S3 alike — and proves each file against the sidecar: size and SHA-256 of what arrived must equal what the sidecar
 * says, or the partial file is removed and the copy fails. A final name is never replaced: a file already there
 * is accepted only when its size and SHA-256 match (read back and hashed, or the SHA-256 an object store recorded
 * when it accepted the upload, see {@link StoreSide#recordedSha256}), otherwise refused.
 *
 * <p>Resume: a {@code NAME.part} is continued only when its record {@code NAME.part.src}, written before the
 * {@code .part} was started, names the same size and SHA-256; anything else is discarded and copied from 0. A
 * resumed result that fails the final check is discarded and copied once more from 0, so a {@code .part} with
 * other bytes in it never becomes the final file. A side without rename ({@link StoreSide#writesWhole}) gets each
 * file in one upload, hashed here as it is sent and made visible only when it matched; there is no resume there.
 */
public final class SetCopy {
  private static final int SIDECAR_LIMIT = 1 << 20;

  /**
   * What happened to one file.
   *
   * @param alreadyThere the destination already held these exact bytes; nothing was written
   * @param resumedFrom bytes of an earlier {@code .part} kept (0 when copied from the start)
   * @param restarted why an earlier {@code .part} was discarded, or null
   */
  public record CopiedFile(String file, long size, String sha256, boolean alreadyThere, long resumedFrom,
      String restarted) {}

  private interface Opener {
    InputStream open(long offset) throws IOException;
  }

  private final StoreSide from;
  private final StoreSide to;

  public SetCopy(StoreSide from, StoreSide to) {
    this.from = from;
    this.to = to;
  }

  /** Reads a sidecar (at most 1 MiB), or fails naming where it was looked for. */
  public static byte[] readSidecar(StoreSide side, String name) {
    String n = name + ".json";
    try {
      OptionalLong size = side.size(n);
      if (size.isEmpty()) {
        throw new InputFileException(side.location() + ": no sidecar " + n + "; a snapshot travels only with its"
            + " sidecar (written by `snapshot save` after the checksum passed), which is what proves it intact");
      }
      if (size.getAsLong() > SIDECAR_LIMIT) {
        throw new SnapshotIntegrityException(side.location() + ": " + n + " has " + size.getAsLong()
            + " bytes; a sidecar is a few hundred");
      }
      try (InputStream in = side.open(n, 0)) {
        return in.readNBytes(SIDECAR_LIMIT);
      }
    } catch (IOException e) {
      throw side.failure("reading " + n, e);
    }
  }

  /**
   * Copies snapshot {@code name} with its bundle (when the sidecar names one), the host bundles it lists and its
   * sidecar, in that order.
   */
  public List<CopiedFile> copy(String name) {
    byte[] sidecar = readSidecar(from, name);
    SidecarFacts facts;
    try {
      facts = SidecarFacts.parse(sidecar);
    } catch (IOException e) {
      throw new SnapshotIntegrityException(from.location() + ": " + name + ".json is not a readable sidecar: "
          + e.getMessage(), e);
    }
    facts.problemFor(name).ifPresent(p -> {
      throw new SnapshotIntegrityException(from.location() + ": " + name + " cannot be checked: " + p);
    });
    try {
      to.makeDirectories();
    } catch (IOException e) {
      throw to.failure("creating the directory", e);
    }
    List<CopiedFile> out = new ArrayList<>();
    out.add(copyFile(name, facts.fileSize(), facts.sha256()));
    if (facts.bundle() != null) {
      long size = sourceSize(facts.bundle()).orElseThrow(() -> new InputFileException(from.location() + ": no "
          + facts.bundle() + ", which the sidecar of " + name + " names"));
      out.add(copyFile(facts.bundle(), size, facts.bundleSha256()));
    }
    for (SidecarFacts.HostBundle b : facts.hostBundles()) {
      out.add(copyFile(b.file(), b.size(), b.sha256()));
    }
    // Last: a sidecar at the destination means the files it vouches for are there and checked.
    MessageDigest d = StoreSide.sha256();
    d.update(sidecar);
    out.add(copy(name + ".json", sidecar.length, StoreSide.hex(d),
        offset -> new ByteArrayInputStream(sidecar, (int) offset, sidecar.length - (int) offset)));
    return out;
  }

  private OptionalLong sourceSize(String n) {
    try {
      return from.size(n);
    } catch (IOException e) {
      throw from.failure("reading " + n, e);
    }
  }

  private CopiedFile copyFile(String n, long size, String sha256) {
    OptionalLong actual = sourceSize(n);
    if (actual.isEmpty()) {
      throw new InputFileException(from.location() + ": no " + n);
    }
    if (actual.getAsLong() != size) {
      throw new SnapshotIntegrityException(from.location() + ": " + n + " has " + actual.getAsLong()
          + " bytes, its sidecar says " + size + "; not copying a file that is not the one the sidecar vouches for");
    }
    return copy(n, size, sha256, offset -> from.open(n, offset));
  }

  private CopiedFile copy(String n, long size, String sha256, Opener source) {
    Optional<CopiedFile> there = alreadyThere(n, size, sha256);
    if (there.isPresent()) {
      return there.get();
    }
    return to.writesWhole() ? transferWhole(n, size, sha256, source) : transfer(n, size, sha256, source);
  }

  /** The file already at the destination when it holds these bytes; refused when it holds others. */
  private Optional<CopiedFile> alreadyThere(String n, long size, String sha256) {
    try {
      OptionalLong existing = to.size(n);
      if (existing.isEmpty()) {
        return Optional.empty();
      }
      String there = to.recordedSha256(n);
      if (existing.getAsLong() == size && there.equals(sha256)) {
        return Optional.of(new CopiedFile(n, size, sha256, true, 0, null));
      }
      throw new OutputRefusedException(to.location() + ": " + n + " already exists with " + existing.getAsLong()
          + " bytes, sha256 " + there + "; the sidecar says " + size + " bytes, sha256 " + sha256
          + ". Not replacing it: move it aside if it is not wanted");
    } catch (IOException e) {
      throw to.failure("checking " + n, e);
    }
  }

  /** A read failure of the source, told apart from the destination's own while the destination pulls the bytes. */
  private static final class SourceFailure extends IOException {
    SourceFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The source as the destination reads it: hashed and counted, its failures marked as the source's. */
  private static final class Sent extends FilterInputStream {
    private final MessageDigest digest = StoreSide.sha256();
    private long count;

    Sent(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int k;
      try {
        k = in.read(b, off, len);
      } catch (IOException e) {
        throw new SourceFailure(e);
      }
      if (k > 0) {
        digest.update(b, off, k);
        count += k;
      }
      return k;
    }

    Arrived arrived() {
      return new Arrived(count, StoreSide.hex(digest));
    }
  }

  /**
   * One upload to a side without rename: the bytes sent are hashed here, and the destination makes the file visible
   * only after that hash and count matched the sidecar. Nothing to resume: a failed upload starts over next time.
   */
  private CopiedFile transferWhole(String n, long size, String sha256, Opener source) {
    InputStream in;
    try {
      in = source.open(0);
    } catch (IOException e) {
      throw from.failure("reading " + n, e);
    }
    String cleaned;
    try (Sent sent = new Sent(in)) {
      cleaned = to.writeWhole(n, size, sha256, sent, () -> {
        Arrived a = sent.arrived();
        if (!a.matches(size, sha256)) {
          throw new SnapshotIntegrityException(to.location() + ": " + n + " was sent with " + a.size()
              + " bytes, sha256 " + a.sha256() + "; the sidecar says " + size + " bytes, sha256 " + sha256
              + " (read from " + from.location() + "); the upload was abandoned and nothing stored under " + n);
        }
      });
    } catch (SourceFailure e) {
      throw from.failure("reading " + n, (IOException) e.getCause());
    } catch (FileAlreadyExistsException e) {
      // Someone stored it between our check and the upload's end: judged as any file already there.
      return alreadyThere(n, size, sha256).orElseThrow(() -> to.failure("uploading " + n, e));
    } catch (IOException e) {
      throw to.failure("uploading " + n + " (nothing stored under that name; run again to upload it from the"
          + " start)", e);
    }
    return new CopiedFile(n, size, sha256, false, 0, cleaned);
  }

  private CopiedFile transfer(String n, long size, String sha256, Opener source) {
    String part = n + ".part";
    String record = part + ".src";
    String recordText = "{\"file\":\"" + n + "\",\"size\":" + size + ",\"sha256\":\"" + sha256 + "\"}\n";
    long resumeFrom = 0;
    String restarted = null;
    try {
      OptionalLong partSize = to.size(part);
      if (partSize.isPresent()) {
        restarted = whyNotResumable(part, record, recordText, partSize.getAsLong(), size);
        if (restarted == null) {
          resumeFrom = partSize.getAsLong();
        } else {
          discard(part, record);
        }
      } else {
        to.delete(record);
      }
    } catch (IOException e) {
      throw to.failure("checking " + part, e);
    }
    Arrived a = attempt(n, part, record, recordText, resumeFrom, source);
    if (!a.matches(size, sha256) && resumeFrom > 0) {
      discard(part, record);
      restarted = "resumed " + part + " at " + resumeFrom + " bytes, but the result had sha256 " + a.sha256()
          + ", not " + sha256 + ": the .part held other bytes; discarded it and copied again from 0";
      resumeFrom = 0;
      a = attempt(n, part, record, recordText, 0, source);
    }
    if (!a.matches(size, sha256)) {
      discard(part, record);
      throw new SnapshotIntegrityException(to.location() + ": " + n + " arrived with " + a.size()
          + " bytes, sha256 " + a.sha256() + "; the sidecar says " + size + " bytes, sha256 " + sha256
          + " (copied from " + from.location() + "); the partial file was removed");
    }
    try {
      to.publish(part, n);
      to.delete(record);
    } catch (IOException e) {
      throw to.failure("renaming " + part + " to " + n, e);
    }
    return new CopiedFile(n, size, sha256, false, resumeFrom, restarted);
  }

  private String whyNotResumable(String part, String record, String recordText, long partSize, long size)
      throws IOException {
    OptionalLong recordSize = to.size(record);
    if (recordSize.isEmpty()) {
      return part + " (" + partSize + " bytes) had no record " + record + " of what it was started from;"
          + " discarded it and copied from 0";
    }
    String found;
    try (InputStream in = to.open(record, 0)) {
      found = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    }
    if (!found.equals(recordText)) {
      return part + " was started from another file (" + record + ": " + found.strip() + "); discarded it and"
          + " copied from 0";
    }
    if (partSize > size) {
      return part + " is larger than the file (" + partSize + " > " + size + " bytes); discarded it and copied"
          + " from 0";
    }
    return null;
  }

  private record Arrived(long size, String sha256) {
    boolean matches(long expectedSize, String expectedSha256) {
      return size == expectedSize && sha256.equals(expectedSha256);
    }
  }

  /** One pass: the rest of the file into the .part, then the size and SHA-256 of the whole .part. */
  private Arrived attempt(String n, String part, String record, String recordText, long resumeFrom,
      Opener source) {
    MessageDigest sent;
    OutputStream out;
    try {
      if (resumeFrom == 0) {
        try (OutputStream r = to.create(record, false)) {
          r.write(recordText.getBytes(StandardCharsets.UTF_8));
        }
      }
      // Remote: the resumed prefix is read back, so the final hash covers the bytes really in the .part.
      sent = to.local() ? null : to.digest(part, resumeFrom);
      out = to.create(part, resumeFrom > 0);
    } catch (IOException e) {
      throw to.failure("writing " + part, e);
    }
    InputStream in;
    try {
      in = source.open(resumeFrom);
    } catch (IOException e) {
      closeQuietly(out);
      throw from.failure("reading " + n, e);
    }
    byte[] buf = new byte[1 << 16];
    boolean reading = true;
    try (in; out) {
      while (true) {
        reading = true;
        int k = in.read(buf);
        if (k < 0) {
          break;
        }
        reading = false;
        if (sent != null) {
          sent.update(buf, 0, k);
        }
        out.write(buf, 0, k);
      }
      reading = false;
    } catch (IOException e) {
      throw reading ? from.failure("reading " + n + " (run again to resume)", e)
          : to.failure("writing " + part + " (run again to resume)", e);
    }
    try {
      long size = to.size(part).orElse(-1);
      return new Arrived(size, to.local() ? to.sha256Hex(part) : StoreSide.hex(sent));
    } catch (IOException e) {
      throw to.failure("reading back " + part, e);
    }
  }

  private void discard(String part, String record) {
    try {
      to.delete(part);
      to.delete(record);
    } catch (IOException e) {
      throw to.failure("removing " + part, e);
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // the read failure that follows is the one to report
    }
  }
}
