package dev.etcddr.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Single keys read and written through one member, each write guarded so that it can never replace something it
 * has not seen: a key is created only while it is absent (create revision 0 is etcd's "no such key"), or replaced
 * only while its mod revision is still the one the caller read. A batch is sent as one transaction per key, all in
 * flight at once, so one key present does not hold back the others, and no batch exceeds etcd's --max-txn-ops.
 */
public final class EtcdKeyWriter {
  private final EtcdEndpoint member;

  public EtcdKeyWriter(EtcdEndpoint member) {
    this.member = member;
  }

  /** A key's revisions as the member answers them now; {@code createRevision} 0 when it does not exist. */
  public record LiveRevisions(long createRevision, long modRevision) {
    public boolean exists() {
      return createRevision != 0;
    }
  }

  /**
   * One guarded put.
   *
   * @param expectedModRevision 0: only while the key is absent; otherwise only while its mod revision is this
   */
  public record GuardedPut(byte[] key, byte[] value, long expectedModRevision) {}

  /**
   * What a guarded put did: written at {@code revision}, or refused because the key was not as expected; then
   * {@code found} is what the key is at that revision (absent, or written by someone else).
   */
  public record PutOutcome(GuardedPut put, boolean written, long revision, LiveRevisions found) {}

  /** The current revisions of each key, keys only (no value leaves etcd), in the order given. */
  public List<LiveRevisions> revisions(List<byte[]> keys) {
    KV kv = member.kv();
    List<CompletableFuture<GetResponse>> pending = new ArrayList<>();
    for (byte[] key : keys) {
      pending.add(kv.get(ByteSequence.from(key), GetOption.builder().withKeysOnly(true).build()));
    }
    List<LiveRevisions> out = new ArrayList<>();
    for (CompletableFuture<GetResponse> p : pending) {
      out.add(first(member.await(p, "range").getKvs()));
    }
    return out;
  }

  /** Sends every put of the batch, one transaction each, and waits for all of them. */
  public List<PutOutcome> put(List<GuardedPut> batch) {
    KV kv = member.kv();
    List<CompletableFuture<TxnResponse>> pending = new ArrayList<>();
    for (GuardedPut p : batch) {
      ByteSequence key = ByteSequence.from(p.key());
      Cmp guard = p.expectedModRevision() == 0
          ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
          : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(p.expectedModRevision()));
      pending.add(kv.txn().If(guard)
          .Then(Op.put(key, ByteSequence.from(p.value()), PutOption.DEFAULT))
          .Else(Op.get(key, GetOption.builder().withKeysOnly(true).build()))
          .commit());
    }
    List<PutOutcome> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      TxnResponse r = member.await(pending.get(i), "txn");
      long revision = r.getHeader().getRevision();
      if (r.isSucceeded()) {
        out.add(new PutOutcome(batch.get(i), true, revision, new LiveRevisions(0, 0)));
      } else {
        List<KeyValue> now = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
        out.add(new PutOutcome(batch.get(i), false, revision, first(now)));
      }
    }
    return out;
  }

  private static LiveRevisions first(List<KeyValue> kvs) {
    return kvs.isEmpty() ? new LiveRevisions(0, 0)
        : new LiveRevisions(kvs.get(0).getCreateRevision(), kvs.get(0).getModRevision());
  }
}
