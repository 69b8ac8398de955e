package dev.etcddr.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real program to completion, bounded in time, and keeps its output. */
public final class Proc {
  public record Result(int exitCode, String stdout, String stderr) {
    public Result requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
      }
      return this;
    }
  }

  private Proc() {}

  public static Result run(List<String> argv) {
    return run(argv, Map.of(), null, 120);
  }

  /**
   * One line per ansible-playbook run with the IT that ran it: CI time is mostly plays, and these lines in the build
   * log say which IT spends it (grep '\[play\]').
   */
  private static void reportPlay(List<String> argv, long startedNanos, int exit) {
    if (argv.isEmpty() || !argv.get(0).endsWith("ansible-playbook")) {
      return;
    }
    String playbook = argv.stream().filter(a -> a.endsWith(".yml")).map(a -> Path.of(a).getFileName().toString())
        .findFirst().orElse("?");
    // the outermost IT frame: the test method's class, not a base class it calls
    String caller = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
        .filter(c -> c.startsWith("dev.etcddr.it.")).reduce((inner, outer) -> outer).orElse("?"));
    System.out.printf("[play] %s %s %.1f s exit %d%n", caller.substring(caller.lastIndexOf('.') + 1), playbook,
        (System.nanoTime() - startedNanos) / 1e9, exit);
  }

  public static Result run(List<String> argv, Map<String, String> env, Path cwd, int timeoutSeconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
      pb.environment().putAll(env);
      if (cwd != null) {
        pb.directory(cwd.toFile());
      }
      Path out = java.nio.file.Files.createTempFile("proc", ".out");
      Path err = java.nio.file.Files.createTempFile("proc", ".err");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
          new java.io.File("/dev/null")));
      long started = System.nanoTime();
      Process p = pb.start();
      boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      reportPlay(argv, started, ended ? p.exitValue() : -1);
      if (!ended) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("timed out after " + timeoutSeconds + "s: " + argv);
      }
      Result r = new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
          java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
      java.nio.file.Files.deleteIfExists(out);
      java.nio.file.Files.deleteIfExists(err);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
