package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.HeapExhaustedException;
import dev.etcddr.crypt.AgeException;
import dev.etcddr.crypt.AgeKeyException;
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

  @Test
  void a_damaged_age_file_is_6_like_a_wrong_checksum_and_a_key_that_does_not_open_it_is_15() {
    assertEquals(new ExitCodes.Failure(6, "snapshot_integrity"),
        ExitCodes.of(new AgeException("the age header's MAC does not match")));
    assertEquals(new ExitCodes.Failure(15, "age_key"), ExitCodes.of(new AgeKeyException("no identity matches")));
  }
}
