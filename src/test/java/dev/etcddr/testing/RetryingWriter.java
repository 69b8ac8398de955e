package dev.etcddr.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * A client writing {@code PREFIX0, PREFIX1, …} one after another for as long as a test changes the cluster under
 * it. A write that fails is tried again with the same key, as any client does (a leader election under load can
 * time one out), so the keys written are exactly {@code 0 .. written()-1}: a test counts them afterwards to prove
 * none was lost, and bounds {@link #longestOutageMs()} to prove the cluster kept serving.
 */
public final class RetryingWriter {
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile int written;
  private volatile long longestOutageMs;

  private RetryingWriter(String prefix, BiFunction<String, String, Proc.Result> put) {
    thread = new Thread(() -> {
      long failingSince = 0;
      while (writing.get()) {
        Proc.Result r = put.apply(prefix + written, "v" + written);
        long now = System.nanoTime();
        if (r.exitCode() == 0) {
          written++;
          failingSince = 0;
        } else {
          errors.add(r.stderr());
          failingSince = failingSince == 0 ? now : failingSince;
          longestOutageMs = Math.max(longestOutageMs, (now - failingSince) / 1_000_000);
        }
      }
    }, "retrying-writer");
  }

  /** @param put writes one key with its value, e.g. through etcdctl */
  public static RetryingWriter start(String prefix, BiFunction<String, String, Proc.Result> put) {
    RetryingWriter w = new RetryingWriter(prefix, put);
    w.thread.start();
    return w;
  }

  /** Stops after the write in flight and waits for it. */
  public void stop() throws InterruptedException {
    writing.set(false);
    thread.join();
  }

  public int written() {
    return written;
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  /** The longest stretch during which every write failed. */
  public long longestOutageMs() {
    return longestOutageMs;
  }
}
