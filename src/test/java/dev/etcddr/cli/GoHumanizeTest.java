package dev.etcddr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoHumanizeTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0 B", "9, 9 B", "10, 10 B", "999, 999 B", "1000, 1.0 kB", "8192, 8.2 kB", "12288, 12 kB", "16384, 16 kB",
    // Go rounds exact halves to even: 20.5 → 20, 627 from 626.7
    "20480, 20 kB", "385024, 385 kB", "344064, 344 kB", "626688, 627 kB", "21500, 22 kB",
    "1037389824, 1.0 GB", "104108032, 104 MB", "9999999, 10 MB"
  })
  void matches_go_humanize(long bytes, String text) {
    assertEquals(text, GoHumanize.bytes(bytes));
  }
}
