package dev.etcddr.restore;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The raft side of a restored member: the WAL that bootstraps a fresh cluster of exactly the given members, and the
 * {@code .snap} holding the v2 store with their membership. Byte for byte what etcdutl 3.5.16 writes, and record for
 * record what 3.6.14 writes ({@code etcdutl/snapshot/v3_snapshot.go saveWALAndSnap} at both tags):
 *
 * <ul>
 *   <li>WAL ({@code server/storage/wal/wal.go Create}, {@code Save}, {@code SaveSnapshot}): a crc record, the
 *       metadata {NodeID, ClusterID}, a snapshot record {0, 0}; one EntryConfChange AddNode per member in ID order,
 *       term 1, index i, its member JSON as context; HardState {term 1, vote the lowest ID, commit N}; a snapshot
 *       record {N, 1, ConfState of every member as a voter}.
 *   <li>{@code .snap} ({@code snap.Snapshotter.SaveSnap}): the v2 store holding only {@code /0/members/<hex>/}
 *       {@code raftAttributes}. 3.6.14 fills it in Go map order ({@code etcdserver.GetMembershipInfoInV2Format}),
 *       so its store indexes vary from run to run; this writes 3.5's ID order, which 3.6 reads as well: it only
 *       parses the {@code .snap} and checks it holds no custom v2 content ({@code storage/util.go
 *       AssertNoV2StoreContent}). 3.4 and 3.5 take membership from it.
 *   <li>Learners: none. {@code --initial-cluster} cannot name one, and etcdutl drops the snapshot's learners too
 *       (its {@code saveWALAndSnap} says so in a TODO): every member comes back as a voter.
 * </ul>
 *
 * <p>The {@code .snap} has an end: etcd 3.7 no longer reads it at start-up (etcd-io/etcd PRs #21107 and #21138 build
 * the raft snapshot from the WAL record and membership from the db), and etcd's main branch stops writing it in
 * etcdutl and the server (PR #22263, August 2026). It is still written here because 3.4, 3.5 and 3.6 read it.
 */
final class RaftFiles {
  static final long WAL_SEGMENT_BYTES = 64_000_000L;
  private static final int TYPE_METADATA = 1;
  private static final int TYPE_ENTRY = 2;
  private static final int TYPE_STATE = 3;
  private static final int TYPE_CRC = 4;
  private static final int TYPE_SNAPSHOT = 5;

  private RaftFiles() {}

  /** @param members sorted by unsigned ID */
  static byte[] wal(List<Member> members, long self, long clusterId) {
    int n = members.size();
    WalEncoder wal = new WalEncoder();
    wal.crcRecord();
    wal.record(TYPE_METADATA, new Proto().varint(1, self).varint(2, clusterId).toByteArray());
    wal.record(TYPE_SNAPSHOT, new Proto().varint(1, 0).varint(2, 0).toByteArray());
    for (int i = 0; i < n; i++) {
      Member m = members.get(i);
      Proto confChange = new Proto().varint(1, 0).varint(2, 0).varint(3, m.id())
          .bytes(4, m.json().getBytes(StandardCharsets.UTF_8));
      Proto entry = new Proto().varint(1, 1).varint(2, 1).varint(3, i + 1).message(4, confChange);
      wal.record(TYPE_ENTRY, entry.toByteArray());
    }
    wal.record(TYPE_STATE, new Proto().varint(1, 1).varint(2, members.get(0).id()).varint(3, n).toByteArray());
    wal.record(TYPE_SNAPSHOT, new Proto().varint(1, n).varint(2, 1).message(3, confState(members)).toByteArray());
    return wal.bytes();
  }

  /** {@code member/snap/<term>-<index>.snap}: snappb{crc, raftpb.Snapshot{v2 store JSON, metadata}}. */
  static byte[] snap(List<Member> members) {
    int n = members.size();
    Proto metadata = new Proto().message(1, confState(members)).varint(2, n).varint(3, 1);
    byte[] snapshot = new Proto().bytes(1, V2Store.json(members).getBytes(StandardCharsets.UTF_8))
        .message(2, metadata).toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(snapshot);
    return new Proto().varint(1, crc.getValue()).bytes(2, snapshot).toByteArray();
  }

  static String snapName(int memberCount) {
    return String.format("%016x-%016x.snap", 1, memberCount);
  }

  static String walName() {
    return String.format("%016x-%016x.wal", 0, 0);
  }

  private static Proto confState(List<Member> members) {
    Proto cs = new Proto();
    members.forEach(m -> cs.varint(1, m.id()));
    return cs.bool(5, false);
  }

  /**
   * WAL framing: an 8-byte little-endian length (top byte 0x80|pad when the record is padded to 8 bytes), the
   * walpb.Record, zero padding. Each record's crc is CRC-32C over the data of every record so far.
   */
  private static final class WalEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CRC32C crc = new CRC32C();

    void crcRecord() {
      frame(new Proto().varint(1, TYPE_CRC).varint(2, crc.getValue()).toByteArray());
    }

    void record(int type, byte[] data) {
      crc.update(data);
      frame(new Proto().varint(1, type).varint(2, crc.getValue()).bytes(3, data).toByteArray());
    }

    private void frame(byte[] record) {
      int pad = (8 - record.length % 8) % 8;
      long lenField = record.length | (pad == 0 ? 0 : (long) (0x80 | pad) << 56);
      out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(lenField).array());
      out.writeBytes(record);
      out.writeBytes(new byte[pad]);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
