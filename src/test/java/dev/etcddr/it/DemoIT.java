package dev.etcddr.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.etcddr.testing.Lab;
import dev.etcddr.testing.Proc;
import dev.etcddr.testing.Repo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's demo command, on a lab of its own: lab up → seed → backup → damage → restore → the keys are back. */
class DemoIT {
  private static final String NET = "127.0.12";

  @TempDir
  Path work;

  @Test
  void the_demo_brings_every_key_back() {
    Lab lab = new Lab(work.resolve("lab"), NET);
    try (Lab l = lab) {
      // Setup (apt, the jar build) is what the test run itself has already done.
      Proc.Result demo = Proc.run(List.of(Repo.root().resolve("scripts/demo").toString()),
          Map.of("LAB_STATE", lab.state().toString(), "DEMO_NET", NET, "DEMO_STORE", work.resolve("backups").toString(),
              "DEMO_SKIP_SETUP", "1", "ANSIBLE_NOCOLOR", "1"), Repo.root(), 900);
      assertEquals(0, demo.exitCode(), demo.stdout() + demo.stderr());
      assertTrue(demo.stdout().contains("demo: every key is back"), demo.stdout());
      assertTrue(demo.stdout().contains("RESTORED"), demo.stdout());
    }
  }
}
