package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusPrinterTest {
  @Test
  void table_is_drawn_as_etcdctl_draws_it() {
    assertEquals("""
        +----------+----------+------------+------------+
        |   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |
        +----------+----------+------------+------------+
        | 7657e0e2 |        8 |         13 |      20 kB |
        +----------+----------+------------+------------+
        """, StatusPrinter.table(new String[] {"HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"},
        new String[] {"7657e0e2", "8", "13", "20 kB"}));
  }

  @Test
  void a_short_hash_leaves_an_odd_gap_with_the_extra_space_on_the_right() {
    String t = StatusPrinter.table(new String[] {"HASH"}, new String[] {"aa3322a"});
    assertEquals("+---------+\n|  HASH   |\n+---------+\n| aa3322a |\n+---------+\n", t);
  }
}
