package dev.etcddr.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in this repository, for tests that use its scripts. */
public final class Repo {
  private Repo() {}

  public static Path root() {
    Path p = Path.of(System.getProperty("etcddr.repo", ".")).toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("pom.xml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new AssertionError("cannot find the repository root (no pom.xml above the working directory)");
    }
    return p;
  }

  public static Path pkiScript() {
    return root().resolve("lab/lib/pki.sh");
  }
}
