package dev.etcddr.packing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.etcddr.Json;
import dev.etcddr.crypt.AgeEncryptor;
import dev.etcddr.crypt.AgeRecipient;
import dev.etcddr.snapshot.InputFileException;
import dev.etcddr.snapshot.OutputRefusedException;
import dev.etcddr.snapshot.PartFile;
import dev.etcddr.snapshot.SidecarFacts;
import dev.etcddr.snapshot.SnapshotFiles;
import dev.etcddr.snapshot.SnapshotIntegrityException;
import dev.etcddr.snapshot.SnapshotStore;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code snapshot pack}: writes the packed set of a saved set beside it. The snapshot is compressed (zstd) and/or
 * encrypted (age) in one streaming pass, constant memory; the bundle and host bundles, which hold the cluster's CA
 * keys, are encrypted whenever there are recipients (they are gzip'd tar already, so never compressed again).
 * Each file is written as {@code .part} and renamed, the sidecar last; each raw file is hashed as it is read and
 * must be what the old sidecar says. On any failure the files this run wrote are removed; the raw set is never
 * touched. Names and sidecar fields: {@link PackedSidecar}.
 */
public final class Packer {
  /**
   * One file to pack: {@code from} must be {@code rawSize} bytes with {@code rawSha256} as read, which
   * {@code vouchedBy} (for messages: "the sidecar") says it is.
   */
  record Step(Path from, Path to, boolean zstd, long rawSize, String rawSha256, String vouchedBy) {
    Step(Path from, Path to, boolean zstd, long rawSize, String rawSha256) {
      this(from, to, zstd, rawSize, rawSha256, "the sidecar");
    }
  }

  public PackResult pack(PackRequest r) {
    long started = System.nanoTime();
    Path snapshot = r.snapshot().toAbsolutePath().normalize();
    SnapshotFiles.requireReadable(snapshot);
    String name = snapshot.getFileName().toString();
    Path dir = snapshot.getParent();
    Path sidecarPath = dir.resolve(name + ".json");
    if (!Files.isRegularFile(sidecarPath)) {
      throw new InputFileException("no sidecar " + sidecarPath + ": pack a set that `snapshot save` wrote (its"
          + " sidecar proves the file and names its bundles)");
    }
    ObjectNode sidecar;
    SidecarFacts facts;
    try {
      byte[] bytes = Files.readAllBytes(sidecarPath);
      JsonNode n = Json.mapper().readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new IOException("not a JSON object");
      }
      sidecar = (ObjectNode) n;
      facts = SidecarFacts.parse(bytes);
    } catch (IOException e) {
      throw new SnapshotIntegrityException(sidecarPath + " is not a readable sidecar: " + e.getMessage(), e);
    }
    facts.problemFor(name).ifPresent(p -> {
      throw new SnapshotIntegrityException(snapshot + " cannot be packed: " + p);
    });
    if (sidecar.has(PackedSidecar.FIELD) || PackedReader.detect(snapshot) != Layers.RAW) {
      throw new InputFileException(snapshot + " is packed already; pack the set `snapshot save` wrote");
    }
    if (!r.zstd() && r.recipients().isEmpty() && r.recipientsFile().isEmpty()) {
      throw new IllegalArgumentException("nothing to do: neither zstd nor a recipient");
    }
    if (r.zstd() && (r.zstdLevel() < 1 || r.zstdLevel() > PackRequest.MAX_ZSTD_LEVEL)) {
      throw new IllegalArgumentException("zstd level " + r.zstdLevel());
    }
    List<AgeRecipient> recipients = Keys.recipients(r.recipients(), r.recipientsFile());
    boolean age = !recipients.isEmpty();
    String packed = Names.packed(name, r.zstd(), age);

    List<Step> steps = new ArrayList<>();
    steps.add(new Step(snapshot, dir.resolve(packed), r.zstd(), facts.fileSize(), facts.sha256()));
    if (facts.bundle() != null) {
      Path bundle = dir.resolve(facts.bundle());
      steps.add(new Step(bundle, dir.resolve(SnapshotStore.bundleName(packed)), false, sizeOf(bundle),
          facts.bundleSha256()));
    }
    for (SidecarFacts.HostBundle b : facts.hostBundles()) {
      steps.add(new Step(dir.resolve(b.file()), dir.resolve(SnapshotStore.hostBundleName(packed, b.host())), false,
          b.size(), b.sha256()));
    }
    Path packedSidecar = dir.resolve(packed + ".json");
    List<Path> targets = new ArrayList<>(steps.stream().map(Step::to).toList());
    targets.add(packedSidecar);
    for (Path t : targets) {
      if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
        throw new OutputRefusedException(t + " already exists: " + name + " was packed before, or another run is"
            + " packing it; move the packed set aside to pack again");
      }
    }

    List<Path> published = new ArrayList<>();
    try {
      List<PackResult.Written> written = new ArrayList<>();
      for (Step s : steps) {
        written.add(write(s, r.zstdLevel(), recipients, false));
        published.add(s.to());
      }
      byte[] json = Json.mapper().writeValueAsBytes(packedSidecar(sidecar, facts, written, r, recipients));
      written.add(writeSidecar(packedSidecar, json));
      published.add(packedSidecar);
      PackResult.Written main = written.get(0);
      return new PackResult(main.file(), main.size(), main.sha256(), snapshot.toString(), facts.fileSize(),
          facts.sha256(), r.zstd() ? "zstd" : null, r.zstd() ? r.zstdLevel() : null, age ? "age" : null,
          recipients.stream().map(AgeRecipient::toString).toList(), List.copyOf(written),
          Math.round((System.nanoTime() - started) / 1e7) / 100.0);
    } catch (IOException e) {
      removeAll(published);
      throw new OutputRefusedException("writing the sidecar " + packedSidecar + " failed: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      removeAll(published);
      throw e;
    }
  }

  private static ObjectNode packedSidecar(ObjectNode old, SidecarFacts facts, List<PackResult.Written> written,
      PackRequest r, List<AgeRecipient> recipients) {
    ObjectNode n = old.deepCopy();
    PackResult.Written main = written.get(0);
    n.put("file", Path.of(main.file()).getFileName().toString());
    n.put("file_size", main.size());
    n.put("sha256", main.sha256());
    int next = 1;
    if (facts.bundle() != null) {
      PackResult.Written b = written.get(next++);
      n.put("bundle", Path.of(b.file()).getFileName().toString());
      n.put("bundle_sha256", b.sha256());
    }
    if (!facts.hostBundles().isEmpty()) {
      ArrayNode hosts = Json.mapper().createArrayNode();
      for (SidecarFacts.HostBundle h : facts.hostBundles()) {
        PackResult.Written w = written.get(next++);
        hosts.add(Json.mapper().createObjectNode().put("host", h.host())
            .put("file", Path.of(w.file()).getFileName().toString()).put("size", w.size()).put("sha256", w.sha256())
            .put("raw_file", h.file()).put("raw_size", h.size()).put("raw_sha256", h.sha256()));
      }
      n.set("host_bundles", hosts);
    }
    ObjectNode p = Json.mapper().createObjectNode();
    p.put("compression", r.zstd() ? "zstd" : null);
    if (r.zstd()) {
      p.put("zstd_level", r.zstdLevel());
    } else {
      p.putNull("zstd_level");
    }
    p.put("encryption", recipients.isEmpty() ? null : "age");
    ArrayNode rs = p.putArray("recipients");
    recipients.forEach(x -> rs.add(x.toString()));
    p.put("raw_file", facts.file());
    p.put("raw_size", facts.fileSize());
    p.put("raw_sha256", facts.sha256());
    p.put("raw_bundle", facts.bundle());
    p.put("raw_bundle_sha256", facts.bundle() == null ? null : facts.bundleSha256());
    n.set(PackedSidecar.FIELD, p);
    return n;
  }

  /**
   * One file: read once, hashed raw as read, packed as written, published only when the raw one checked out.
   * Shared with {@link HostBundlePacker}, which encrypts a host bundle the same way.
   *
   * @param level zstd level, used only when {@code s.zstd()}
   * @param replace whether an existing {@code s.to()} may be replaced (bundle write --force); pack never does
   */
  static PackResult.Written write(Step s, int level, List<AgeRecipient> recipients, boolean replace) {
    Counting raw = new Counting();
    Counting packed = new Counting();
    try (PartFile part = PartFile.create(s.to().resolveSibling(s.to().getFileName() + ".part"))) {
      InputStream in;
      try {
        in = raw.in(Files.newInputStream(s.from()));
      } catch (IOException e) {
        throw new InputFileException(s.from() + ": cannot be read: " + e.getMessage());
      }
      try (in) {
        OutputStream file = packed.out(new BufferedOutputStream(Channels.newOutputStream(part.channel()), 1 << 16),
            false);
        AgeEncryptor enc = recipients.isEmpty() ? null : AgeEncryptor.open(file, recipients);
        OutputStream sink = enc != null ? enc : file;
        OutputStream top = s.zstd() ? new ZstdOutputStreamNoFinalizer(unclosed(sink), level).setChecksum(true) : sink;
        copy(s.from(), in, top);
        if (s.zstd()) {
          top.close();
        }
        if (enc != null) {
          enc.finish();
        }
        file.flush();
        String sha = raw.sha256();
        if (raw.bytes() != s.rawSize() || !sha.equals(s.rawSha256())) {
          throw new SnapshotIntegrityException(s.from() + " has " + raw.bytes() + " bytes, sha256 " + sha
              + "; " + s.vouchedBy() + " says " + s.rawSize() + " bytes, sha256 " + s.rawSha256() + ". Not packing"
              + " a file that is not the one " + s.vouchedBy() + " vouches for");
        }
        part.publish(s.to(), replace);
      } catch (IOException e) {
        String why = e instanceof FileSystemException f ? PartFile.reason(f) : e.getMessage();
        throw new OutputRefusedException("writing " + s.to() + " failed: " + why + "; nothing was kept", e);
      }
    }
    return new PackResult.Written(s.to().toString(), packed.bytes(), packed.sha256(), s.from().toString());
  }

  private static void copy(Path from, InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (true) {
      int n;
      try {
        n = in.read(buf);
      } catch (IOException e) {
        throw new InputFileException(from + ": reading failed: " + e.getMessage());
      }
      if (n < 0) {
        return;
      }
      out.write(buf, 0, n);
    }
  }

  private static PackResult.Written writeSidecar(Path target, byte[] json) throws IOException {
    Counting c = new Counting();
    try (PartFile part = PartFile.create(target.resolveSibling(target.getFileName() + ".part"))) {
      c.out(OutputStream.nullOutputStream(), true).write(json);
      part.channel().write(ByteBuffer.wrap(json));
      part.publish(target, false);
    }
    return new PackResult.Written(target.toString(), c.bytes(), c.sha256(), null);
  }

  /** zstd ends its frame on close and closes what it writes to; the age stream must stay open for finish(). */
  private static OutputStream unclosed(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new InputFileException("no " + p + ", which the sidecar names: " + e.getMessage());
    }
  }

  private static void removeAll(List<Path> published) {
    List<Path> reversed = new ArrayList<>(published);
    Collections.reverse(reversed);
    for (Path p : reversed) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // The failure being reported matters more; the file is complete, only unvouched for (no sidecar).
      }
    }
  }
}
