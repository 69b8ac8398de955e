package dev.etcddr.crypt;

import dev.etcddr.testing.Proc;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's {@code age} and {@code age-keygen}, the reference the tests hold this package to. Missing tools fail
 * the test instead of skipping it: CI installs them (scripts/install-deps), so a skip would only hide that the
 * interoperability went untested.
 */
final class AgeCli {
  private AgeCli() {}

  static String tool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(name + " is not on PATH: these tests need Debian's age package (apt-get install age;"
        + " scripts/install-deps installs it)");
  }

  /** {@code age -e} to the given {@code -r} recipients and {@code -R} files. */
  static void encrypt(Path in, Path out, List<String> recipients, List<Path> recipientFiles) {
    List<String> argv = new ArrayList<>(List.of(tool("age"), "-e"));
    for (String r : recipients) {
      argv.addAll(List.of("-r", r));
    }
    for (Path f : recipientFiles) {
      argv.addAll(List.of("-R", f.toString()));
    }
    argv.addAll(List.of("-o", out.toString(), in.toString()));
    Proc.run(argv).requireSuccess();
  }

  static void encryptArmored(Path in, Path out, String recipient) {
    Proc.run(List.of(tool("age"), "-e", "-a", "-r", recipient, "-o", out.toString(), in.toString()))
        .requireSuccess();
  }

  /** {@code age -d -i keyFile}; the result, so a test can assert a refusal too. */
  static Proc.Result decrypt(Path in, Path out, Path keyFile) {
    return Proc.run(List.of(tool("age"), "-d", "-i", keyFile.toString(), "-o", out.toString(), in.toString()));
  }

  /** {@code age-keygen -o}: a new key file. */
  static Path keygen(Path dir, String name) {
    Path key = dir.resolve(name);
    Proc.run(List.of(tool("age-keygen"), "-o", key.toString())).requireSuccess();
    return key;
  }

  /** {@code age-keygen -y}: the recipient of a key file. */
  static String recipientOf(Path keyFile) {
    return Proc.run(List.of(tool("age-keygen"), "-y", keyFile.toString())).requireSuccess().stdout().strip();
  }
}
