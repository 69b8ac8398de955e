package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.HeapExhaustedException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void running_out_of_heap_is_13_wherever_it_is_in_the_cause_chain() {
    assertEquals(new ExitCodes.Failure(13, "out_of_memory"), ExitCodes.of(new OutOfMemoryError("Java heap space")));
    assertEquals(13, ExitCodes.of(new HeapExhaustedException("etcd-dr snapshot verify", new OutOfMemoryError()))
        .code());
    assertEquals(13, ExitCodes.of(new IllegalStateException("stream failed", new OutOfMemoryError())).code());
    assertEquals(1, ExitCodes.of(new IllegalStateException("a bug")).code());
    assertEquals("out of memory: the JVM heap (-Xmx16m) is too small for etcd-dr snapshot status on this input;"
        + " give it more with a larger -Xmx (bin/etcd-dr: ETCD_DR_JAVA_OPTS; the Ansible roles: etcd_dr_heap),"
        + " see the README's memory section for what each command needs",
        HeapExhaustedException.message("etcd-dr snapshot status", "-Xmx16m"));
    assertEquals("out of memory: the JVM heap (-Xmx) is too small for this input; give it more",
        ExitCodes.helpList().get("13"));
  }
}
