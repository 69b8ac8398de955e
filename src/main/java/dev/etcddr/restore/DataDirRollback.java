package dev.etcddr.restore;

import dev.etcddr.manifest.DataDirRules;
import dev.etcddr.snapshot.OutputRefusedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code datadir rollback}: undoes an in-place restore from any state it can leave (see {@link InPlaceRestorer}):
 * the member etcd would run from goes to D/etcd-dr-ID/rolled-back/member, the original comes back to D/member.
 * Renames only, inside D; nothing is deleted. Running it again finds the original in place and says so.
 */
public final class DataDirRollback {
  public RollbackResult rollback(Path manifest, String restoreId) {
    InPlaceLayout.checkId(restoreId);
    DataDirRules.EtcdDataDir d = new DataDirRules().check(manifest, "roll back in place");
    InPlaceLayout layout = new InPlaceLayout(Path.of(d.hostDataDir()), restoreId);
    DataDirChecks.requireDataDir(layout.dataDir(), manifest);
    InPlaceLayout.State s = layout.state();
    String id = layout.dataDir().toString();
    if (!s.workDir()) {
      if (s.live()) {
        return new RollbackResult("never_started", restoreId, id, null, List.of());
      }
      throw new DataDirStateException("nothing to roll back to in data dir " + id + ": neither " + layout.live()
          + " nor " + layout.workDir() + " exists");
    }
    if (!s.original()) {
      if (s.live()) {
        return new RollbackResult(s.rolledBack() ? "already_rolled_back" : "never_swapped", restoreId, id, null,
            List.of());
      }
      throw new DataDirStateException("nothing to roll back to in data dir " + id + ": neither " + layout.live()
          + " nor " + layout.original() + " exists" + (s.restored() ? " (the restored member is at "
          + layout.restored() + ")" : ""));
    }
    if (s.live() && s.rolledBack()) {
      throw new DataDirStateException(layout.live() + ", " + layout.original() + " and " + layout.rolledBack()
          + " all exist, which no restore or rollback leaves; move " + layout.rolledBack() + " aside by hand first");
    }
    DataDirChecks.requireWritable(layout.dataDir(), layout.workDir());
    List<RollbackResult.Move> moves = new ArrayList<>();
    String step = "";
    try {
      // A power cut after this first rename leaves D/member absent and original/member present: a second run
      // goes straight to the rename below.
      if (s.live()) {
        step = "moving " + layout.live() + " to " + layout.rolledBack();
        InPlaceLayout.ensureDir(layout.rolledBack().getParent());
        InPlaceLayout.move(layout.live(), layout.rolledBack());
        moves.add(new RollbackResult.Move(layout.live().toString(), layout.rolledBack().toString()));
      }
      step = "moving " + layout.original() + " to " + layout.live();
      InPlaceLayout.move(layout.original(), layout.live());
      moves.add(new RollbackResult.Move(layout.original().toString(), layout.live().toString()));
    } catch (IOException e) {
      throw new OutputRefusedException("rollback of " + id + " stopped " + step + ": " + DataDirChecks.why(e)
          + "; run it again once that is fixed", e);
    }
    return new RollbackResult("rolled_back", restoreId, id, s.live() ? layout.rolledBack().toString() : null,
        moves);
  }
}
