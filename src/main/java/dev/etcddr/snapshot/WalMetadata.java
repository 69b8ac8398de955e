package dev.etcddr.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The member and cluster ID a data dir belongs to, from its WAL: every WAL segment starts with a crc record, then a
 * metadata record holding {@code etcdserverpb.Metadata{NodeID, ClusterID}} ({@code server/storage/wal/wal.go
 * Create} and {@code cut}). The db does not hold them, and a data dir copied out of a member must keep naming its
 * cluster, or a restore could not tell it from another cluster's.
 */
public record WalMetadata(long memberId, long clusterId) {
  private static final int TYPE_METADATA = 1;
  private static final int MAX_RECORD = 1 << 20;

  /** From the first segment (by name) in {@code walDir}; empty when there is none or it does not start as a WAL. */
  public static Optional<WalMetadata> read(Path walDir) throws IOException {
    List<Path> segments = new ArrayList<>();
    if (!Files.isDirectory(walDir)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(walDir, "*.wal")) {
      s.forEach(segments::add);
    }
    if (segments.isEmpty()) {
      return Optional.empty();
    }
    segments.sort(null);
    try (InputStream in = Files.newInputStream(segments.get(0))) {
      for (int i = 0; i < 2; i++) {
        byte[] lenField = in.readNBytes(8);
        if (lenField.length < 8) {
          return Optional.empty();
        }
        long field = ByteBuffer.wrap(lenField).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long length = field & 0x00ffffffffffffffL;
        int pad = (field >>> 63) != 0 ? (int) ((field >>> 56) & 0x7) : 0;
        if (length <= 0 || length > MAX_RECORD) {
          return Optional.empty();
        }
        byte[] record = in.readNBytes((int) length + pad);
        if (record.length < length) {
          return Optional.empty();
        }
        Optional<WalMetadata> m = metadata(ByteBuffer.wrap(record, 0, (int) length));
        if (m.isPresent()) {
          return m;
        }
      }
    }
    return Optional.empty();
  }

  /** walpb.Record{type=1, crc, data=Metadata{1: NodeID, 2: ClusterID}}; empty for any other record. */
  private static Optional<WalMetadata> metadata(ByteBuffer record) {
    long type = -1;
    ByteBuffer data = null;
    while (record.hasRemaining()) {
      long tag = varint(record);
      int wire = (int) (tag & 7);
      if (wire == 0) {
        long v = varint(record);
        if (tag >>> 3 == 1) {
          type = v;
        }
      } else if (wire == 2) {
        int len = (int) varint(record);
        if (len < 0 || len > record.remaining()) {
          return Optional.empty();
        }
        ByteBuffer slice = record.slice(record.position(), len);
        record.position(record.position() + len);
        if (tag >>> 3 == 3) {
          data = slice;
        }
      } else {
        return Optional.empty();
      }
    }
    if (type != TYPE_METADATA || data == null) {
      return Optional.empty();
    }
    long node = 0;
    long cluster = 0;
    while (data.hasRemaining()) {
      long tag = varint(data);
      if ((tag & 7) != 0) {
        return Optional.empty();
      }
      long v = varint(data);
      if (tag >>> 3 == 1) {
        node = v;
      } else if (tag >>> 3 == 2) {
        cluster = v;
      }
    }
    return cluster == 0 ? Optional.empty() : Optional.of(new WalMetadata(node, cluster));
  }

  private static long varint(ByteBuffer b) {
    long result = 0;
    for (int shift = 0; shift < 70 && b.hasRemaining(); shift += 7) {
      int x = b.get() & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
    }
    return -1;
  }
}
