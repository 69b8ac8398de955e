package dev.etcddr.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

/** Runs the CLI in-process, as picocli's own tests do, and keeps exit code and both streams. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = EtcdDrCli.create(new CliContext(Clock.systemUTC(), false), new PrintWriter(out), new PrintWriter(err),
        args).execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** As {@link #of}, on the whole command tree, as help and an unknown command get it. */
  public static CliRun whole(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = EtcdDrCli.create(new CliContext(Clock.systemUTC(), false), new PrintWriter(out), new PrintWriter(err))
        .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
