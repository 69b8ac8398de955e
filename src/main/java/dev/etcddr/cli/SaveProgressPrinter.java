package dev.etcddr.cli;

import dev.etcddr.etcd.MemberStatus;
import dev.etcddr.snapshot.SaveProgress;
import java.io.PrintWriter;
import java.util.List;

/** Progress of a save on stderr: which member was chosen, and bytes and rate on a terminal only. */
final class SaveProgressPrinter implements SaveProgress {
  private final PrintWriter err;
  private final boolean live;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;
  private boolean drew;

  SaveProgressPrinter(PrintWriter err, boolean live) {
    this.err = err;
    this.live = live;
  }

  @Override
  public void sourceChosen(MemberStatus source, List<String> passedOver) {
    if (!live) {
      return;
    }
    err.printf("saving from member %s at %s (revision %d, etcd %s)%n", source.memberName(), source.endpoint(),
        source.revision(), source.version());
    passedOver.forEach(p -> err.println("  not chosen: " + p));
    err.flush();
  }

  @Override
  public void received(long bytes) {
    long now = System.nanoTime();
    if (!live || now - lastDrawNanos < 250_000_000L) {
      return;
    }
    lastDrawNanos = now;
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    err.printf("\r  received %s (%s/s)   ", Sizes.human(bytes), Sizes.human((long) (bytes / seconds)));
    err.flush();
    drew = true;
  }

  @Override
  public void finished() {
    if (drew) {
      err.println();
      err.flush();
    }
  }
}
