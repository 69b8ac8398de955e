package dev.etcddr.snapshot;

import dev.etcddr.etcd.MemberStatus;

/** Hears how a save is going; the CLI draws a progress line from it on a terminal. */
public interface SaveProgress {
  SaveProgress NONE = new SaveProgress() {};

  default void sourceChosen(MemberStatus source, java.util.List<String> passedOver) {}

  default void received(long bytes) {}

  default void finished() {}
}
