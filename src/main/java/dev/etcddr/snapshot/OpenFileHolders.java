package dev.etcddr.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes that have a file open, from {@code /proc/<pid>/fd}. bbolt's lock on the db is an flock, which
 * Java's file locks (fcntl) do not see, so this is how a copy learns that etcd still runs on the db. Processes whose
 * fd table this user may not read are not seen: the caller's other checks (size and time unchanged across the copy)
 * still apply.
 */
final class OpenFileHolders {
  private OpenFileHolders() {}

  /** "pid 1234 (etcd)" for each process holding {@code file} open; empty when none is seen. */
  static List<String> of(Path file) {
    List<String> holders = new ArrayList<>();
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return holders;
    }
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
        .matches("\\d+"))) {
      for (Path proc : procs) {
        if (holds(proc, real)) {
          holders.add("pid " + proc.getFileName() + " (" + comm(proc) + ")");
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to see
    }
    return holders;
  }

  private static boolean holds(Path proc, Path file) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(file)) {
            return true;
          }
        } catch (IOException | UnsupportedOperationException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      // not ours to read, or gone
    }
    return false;
  }

  private static String comm(Path proc) {
    try {
      return new String(Files.readAllBytes(proc.resolve("comm")), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "?";
    }
  }
}
