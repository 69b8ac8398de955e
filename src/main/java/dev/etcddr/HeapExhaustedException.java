package dev.etcddr;

import java.lang.management.ManagementFactory;

/**
 * The JVM ran out of heap. Not a bug and not a bad input: the heap given with {@code -Xmx} is too small for this
 * input, and the operator's fix is a larger one. Its own exit code, so that a playbook can tell it from a manifest
 * error (the JVM's own {@code -XX:+ExitOnOutOfMemoryError} exits 3, which is etcd-dr's manifest code).
 */
public final class HeapExhaustedException extends EtcdDrException {
  public HeapExhaustedException(String command, Throwable cause) {
    super(message(command, heapSetting()), cause);
  }

  /**
   * The one line an operator reads. Built from strings only, so it can be made again when the heap is still full
   * (another thread ran out while this one holds its data).
   */
  public static String message(String command, String heap) {
    return "out of memory: the JVM heap (" + heap + ") is too small for " + command + " on this input; give it more"
        + " with a larger -Xmx (bin/etcd-dr: ETCD_DR_JAVA_OPTS; the Ansible roles: etcd_dr_heap), see the"
        + " README's memory section for what each command needs";
  }

  /** {@code -Xmx…} as given on the command line, else the maximum the JVM chose. */
  public static String heapSetting() {
    try {
      for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize=")) {
          return arg;
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // A runtime without java.management: say what the JVM reports instead.
    }
    return "max " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB";
  }
}
