package dev.etcddr;

import dev.etcddr.cli.CliContext;
import dev.etcddr.cli.EtcdDrCli;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point: builds the command line, runs it, exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (System.getenv("ETCD_DR_DEBUG") == null) {
      // gRPC, Netty and Vert.x log through java.util.logging; their warnings would interleave with our own
      // one-line errors, which already say what failed.
      Logger.getLogger("").setLevel(Level.OFF);
      // jetcd logs through SLF4J, for which the jar ships no binding on purpose; silence SLF4J's notice of that.
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    Thread.setDefaultUncaughtExceptionHandler(EtcdDrCli.uncaughtHandler(err));
    int code = EtcdDrCli.create(CliContext.system(), out, err, args).execute(args);
    System.exit(code);
  }
}
