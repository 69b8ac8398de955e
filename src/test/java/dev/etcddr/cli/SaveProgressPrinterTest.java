package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.etcd.MemberStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaveProgressPrinterTest {
  private static final MemberStatus M =
      new MemberStatus("https://10.0.0.1:2379", 1, 2, "cp1", "3.5.16", 42, 50, 2, 1000, 2, List.of());

  @Test
  void on_a_terminal_it_names_the_member_and_draws_bytes_and_rate() throws Exception {
    StringWriter err = new StringWriter();
    SaveProgressPrinter p = new SaveProgressPrinter(new PrintWriter(err), true);
    p.sourceChosen(M, List.of("https://10.0.0.2:2379: revision 41 (chosen member has 42)"));
    Thread.sleep(300);
    p.received(5_000_000);
    p.finished();
    String s = err.toString();
    assertTrue(s.startsWith("saving from member cp1 at https://10.0.0.1:2379 (revision 42, etcd 3.5.16)"), s);
    assertTrue(s.contains("not chosen: https://10.0.0.2:2379"), s);
    assertTrue(s.contains("\r  received 5.0 MB ("), s);
  }

  @Test
  void when_not_a_terminal_it_is_quiet() {
    StringWriter err = new StringWriter();
    SaveProgressPrinter p = new SaveProgressPrinter(new PrintWriter(err), false);
    p.sourceChosen(M, List.of());
    p.received(5_000_000);
    p.finished();
    assertEquals("", err.toString());
  }
}
