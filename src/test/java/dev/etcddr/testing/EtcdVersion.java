package dev.etcddr.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The etcd releases the tests run against. scripts/install-deps puts both in place. */
public enum EtcdVersion {
  V3_4("3.4.23", "etcd34.bin", "/usr/bin"),
  V3_5("3.5.16", "etcd35.bin", "/opt/etcd-dr/etcd-3.5.16/usr/bin");

  public final String version;
  private final String property;
  private final String defaultDir;

  EtcdVersion(String version, String property, String defaultDir) {
    this.version = version;
    this.property = property;
    this.defaultDir = defaultDir;
  }

  public Path binDir() {
    return Path.of(System.getProperty(property, defaultDir));
  }

  public Path bin(String name) {
    Path p = binDir().resolve(name);
    if (!Files.isExecutable(p)) {
      throw new AssertionError(p + " is missing: etcd " + version + " is needed for this test; run"
          + " `sudo scripts/install-deps` (it installs etcd 3.4 from Debian and unpacks 3.5 from trixie)");
    }
    String out = Proc.run(java.util.List.of(p.toString(), "--version")).stdout();
    if (name.equals("etcd") && !out.contains(version)) {
      throw new AssertionError(p + " is not etcd " + version + ": " + out.lines().findFirst().orElse(""));
    }
    return p;
  }

  /** The tool that restores snapshots in this release: etcdctl in 3.4, etcdutl from 3.5 on. */
  public Path restoreTool() {
    return this == V3_4 ? bin("etcdctl") : bin("etcdutl");
  }

  @Override
  public String toString() {
    return "etcd " + version;
  }
}
