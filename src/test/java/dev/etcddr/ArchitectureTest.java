package dev.etcddr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.etcddr.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps the package picture of the style guide true: adapters are the only importers of their libraries. */
class ArchitectureTest {
  private static final Path MAIN = Repo.root().resolve("src/main/java/dev/etcddr");

  private static List<String> filesImporting(String prefix, String exceptPackage) throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(f).getParent() == null ? "" : MAIN.relativize(f).getParent().toString();
        if (pkg.equals(exceptPackage)) {
          continue;
        }
        if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import " + prefix))) {
          offenders.add(MAIN.relativize(f).toString());
        }
      }
    }
    return offenders;
  }

  @Test
  void only_the_etcd_package_imports_jetcd_or_grpc() throws IOException {
    assertEquals(List.of(), filesImporting("io.etcd.jetcd", "etcd"));
    assertEquals(List.of(), filesImporting("io.grpc", "etcd"));
  }

  @Test
  void only_the_remote_package_imports_jsch() throws IOException {
    assertEquals(List.of(), filesImporting("com.jcraft", "remote"));
  }

  @Test
  void only_the_remote_package_imports_the_aws_sdk() throws IOException {
    assertEquals(List.of(), filesImporting("software.amazon.awssdk", "remote"));
  }

  /** Kubernetes value decoding is pure bytes in, records out: no etcd, no store, no cli. */
  @Test
  void the_kube_package_stands_alone() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.list(MAIN.resolve("kube"))) {
      for (Path f : files.toList()) {
        if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import dev.etcddr."))) {
          offenders.add(f.getFileName().toString());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void the_bolt_package_knows_nothing_of_etcd_or_the_cli() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.list(MAIN.resolve("bolt"))) {
      for (Path f : files.toList()) {
        if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import dev.etcddr.")
            && !l.startsWith("import dev.etcddr.bolt."))) {
          offenders.add(f.getFileName().toString());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void the_crypt_package_knows_nothing_of_etcd_dr_but_its_root_exception() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.list(MAIN.resolve("crypt"))) {
      for (Path f : files.toList()) {
        if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import dev.etcddr.")
            && !l.startsWith("import dev.etcddr.crypt.") && !l.equals("import dev.etcddr.EtcdDrException;"))) {
          offenders.add(f.getFileName().toString());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void only_the_packing_package_imports_zstd_and_it_stands_on_crypt_and_snapshot_alone() throws IOException {
    assertEquals(List.of(), filesImporting("com.github.luben", "packing"));
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.list(MAIN.resolve("packing"))) {
      for (Path f : files.toList()) {
        if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import dev.etcddr.")
            && !l.matches("import dev\\.etcddr\\.(packing|crypt|snapshot)\\..*")
            && !l.equals("import dev.etcddr.Json;"))) {
          offenders.add(f.getFileName().toString());
        }
      }
    }
    assertEquals(List.of(), offenders);
    for (String below : List.of("crypt", "snapshot", "bolt")) {
      try (Stream<Path> files = Files.list(MAIN.resolve(below))) {
        for (Path f : files.toList()) {
          if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("import dev.etcddr.packing."))) {
            offenders.add(below + "/" + f.getFileName());
          }
        }
      }
    }
    assertEquals(List.of(), offenders, "no arrow back up from the packages packing stands on");
  }

  @Test
  void only_main_exits_the_process() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (!f.getFileName().toString().equals("Main.java") && Files.readString(f).contains("System.exit")) {
          offenders.add(f.toString());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }
}
