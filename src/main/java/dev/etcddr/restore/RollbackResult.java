package dev.etcddr.restore;

import java.util.List;

/**
 * What {@code datadir rollback} did. Field names are a stable contract.
 *
 * @param status rolled_back (the original member is back in D/member now), already_rolled_back, never_swapped (the
 *     restore stopped before it moved the original: D/member is the original), never_started (no D/etcd-dr-ID)
 * @param setAside where the member etcd ran from before the rollback now is (D/etcd-dr-ID/rolled-back/member),
 *     null when none was moved
 * @param moves the renames made, in order
 */
public record RollbackResult(String status, String restoreId, String dataDir, String setAside, List<Move> moves) {

  /** One rename inside D. */
  public record Move(String from, String to) {}
}
