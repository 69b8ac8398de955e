package dev.etcddr.cli;

import dev.etcddr.EtcdDrException;
import dev.etcddr.HeapExhaustedException;
import dev.etcddr.Json;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParseResult;

/** Builds the command line, the same way for {@code main} and for tests. */
public final class EtcdDrCli {
  private EtcdDrCli() {}

  /** The whole tree: for help, and for tests that walk it. */
  public static CommandLine create(CliContext context, PrintWriter out, PrintWriter err) {
    return create(context, out, err, new String[0]);
  }

  /** Only the branch {@code args} names, when it names one (see {@link CommandTree}); then execute the same args. */
  public static CommandLine create(CliContext context, PrintWriter out, PrintWriter err, String[] args) {
    CommandLine cli = new CommandLine(new RootCommand(), new ContextFactory(context));
    CommandTree.add(cli, args);
    cli.setUsageHelpWidth(100);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionStrategy(EtcdDrCli::run);
    cli.setExecutionExceptionHandler(EtcdDrCli::handle);
    cli.setExitCodeExceptionMapper(e -> ExitCodes.of(e).code());
    applyExitCodeHelp(cli);
    return cli;
  }

  private static void applyExitCodeHelp(CommandLine cl) {
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.helpList());
    cl.getSubcommands().values().forEach(EtcdDrCli::applyExitCodeHelp);
  }

  /**
   * picocli hands Exceptions to {@link #handle} but lets Errors through; running out of heap is the operator's to
   * fix, with its own exit code and message, so it goes to the handler too. By the time it is caught here the
   * command's data is unreachable, so the message and the JSON error can be allocated.
   */
  private static int run(ParseResult parsed) {
    try {
      return new CommandLine.RunLast().execute(parsed);
    } catch (OutOfMemoryError e) {
      ParseResult leaf = leaf(parsed);
      throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), "out of memory",
          new HeapExhaustedException(leaf.commandSpec().qualifiedName(), e));
    }
  }

  /**
   * For threads other than main (gRPC, Netty): an uncaught OutOfMemoryError there would end that thread only and
   * leave main waiting on it, so the process halts with the out-of-memory code; anything else is printed as the
   * JVM prints it. The message is made now, while there is heap to make it.
   */
  public static Thread.UncaughtExceptionHandler uncaughtHandler(PrintWriter err) {
    String message = "etcd-dr: error: " + HeapExhaustedException.message("etcd-dr", HeapExhaustedException
        .heapSetting());
    return (thread, e) -> {
      if (!ExitCodes.outOfMemory(e)) {
        err.print("Exception in thread \"" + thread.getName() + "\" ");
        e.printStackTrace(err);
        err.flush();
        return;
      }
      try {
        err.println(message);
        err.flush();
      } finally {
        // halt, not exit: shutdown hooks and other threads may need the heap there is none of.
        Runtime.getRuntime().halt(ExitCodes.OUT_OF_MEMORY);
      }
    };
  }

  /**
   * Every failure ends here: an expected one as a one-line message (and, with -o json, a JSON error object on
   * stdout so playbooks need not read stderr); anything else as an internal error with its stack trace only when
   * ETCD_DR_DEBUG is set.
   */
  private static int handle(Exception e, CommandLine cl, ParseResult parsed) {
    ExitCodes.Failure failure = ExitCodes.of(e);
    if (failure.code() == ExitCodes.OUT_OF_MEMORY && !(e instanceof HeapExhaustedException)) {
      e = new HeapExhaustedException(cl.getCommandSpec().qualifiedName(), e);
    }
    PrintWriter err = cl.getErr();
    if (e instanceof CommandLine.ParameterException pe) {
      // Flag combinations checked inside a command are usage errors like any picocli parse error.
      err.println("etcd-dr: " + pe.getMessage());
      err.println("Try '" + pe.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return failure.code();
    }
    String message = e instanceof EtcdDrException ? e.getMessage() : "internal error: " + e;
    err.println("etcd-dr: error: " + message);
    if (!(e instanceof EtcdDrException) || System.getenv("ETCD_DR_DEBUG") != null) {
      e.printStackTrace(err);
    }
    err.flush();
    if (wantsJson(parsed)) {
      try {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("kind", failure.kind());
        error.put("exit_code", failure.code());
        error.put("message", message);
        cl.getOut().println(Json.mapper().writeValueAsString(Map.of("error", error)));
        cl.getOut().flush();
      } catch (com.fasterxml.jackson.core.JsonProcessingException ignored) {
        // The message is already on stderr.
      }
    }
    return failure.code();
  }

  private static ParseResult leaf(ParseResult parsed) {
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return leaf;
  }

  private static boolean wantsJson(ParseResult parsed) {
    ParseResult leaf = leaf(parsed);
    return leaf.hasMatchedOption("--output") && leaf.matchedOptionValue("--output", OutputFormat.text)
        == OutputFormat.json;
  }

  /** Hands the context to commands that take it; everything else is built the default way. */
  private record ContextFactory(CliContext context) implements IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
        return c.newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
