package dev.etcddr.cli;

import java.time.Clock;

/**
 * What commands take from their surroundings, passed in so tests can fix it.
 *
 * @param terminal whether stderr is an interactive terminal (progress lines are drawn only then)
 */
public record CliContext(Clock clock, boolean terminal) {
  public static CliContext system() {
    return new CliContext(Clock.systemUTC(), System.console() != null);
  }
}
