package dev.etcddr.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Go-style durations as etcdctl takes them: 500ms, 10s, 2m, 1h. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 10s, 2m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
    if (d.isZero()) {
      throw new TypeConversionException("a timeout of zero would fail every request; give e.g. 10s");
    }
    return d;
  }
}
