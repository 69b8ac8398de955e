package dev.etcddr.snapshot;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A version as coreos/go-semver v0.3.1 {@code NewVersion} parses it and {@code String()} prints it, which is how
 * etcdutl 3.6 turns {@code meta/storageVersion} into the VERSION it prints: a value that does not parse prints as
 * nothing, and one that parses is printed re-rendered ({@code "03.6.0"} prints {@code 3.6.0}).
 */
public record GoSemver(long major, long minor, long patch, String preRelease, String metadata) {
  private static final Pattern IDENTIFIER = Pattern.compile("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+");

  /** go-semver splits off metadata at the first '+', then pre-release at the first '-', then needs X.Y.Z. */
  public static Optional<GoSemver> parse(String s) {
    String rest = s;
    String metadata = "";
    int plus = rest.indexOf('+');
    if (plus >= 0) {
      metadata = rest.substring(plus + 1);
      rest = rest.substring(0, plus);
    }
    String pre = "";
    int dash = rest.indexOf('-');
    if (dash >= 0) {
      pre = rest.substring(dash + 1);
      rest = rest.substring(0, dash);
    }
    // strings.SplitN(v, ".", 3): a fourth part stays in the patch and fails to parse as a number there.
    String[] parts = rest.split("\\.", 3);
    if (parts.length != 3 || !identifier(pre) || !identifier(metadata)) {
      return Optional.empty();
    }
    long[] n = new long[3];
    for (int i = 0; i < 3; i++) {
      // strconv.ParseInt: digits only here (the signs were split off above), within int64.
      if (!NUMBER.matcher(parts[i]).matches()) {
        return Optional.empty();
      }
      try {
        n[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.of(new GoSemver(n[0], n[1], n[2], pre, metadata));
  }

  private static boolean identifier(String id) {
    return id.isEmpty() || IDENTIFIER.matcher(id).matches();
  }

  /** Whether major.minor is at least the given one; etcd compares storage versions by major.minor only. */
  public boolean atLeast(long wantMajor, long wantMinor) {
    return major > wantMajor || (major == wantMajor && minor >= wantMinor);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease)
        + (metadata.isEmpty() ? "" : "+" + metadata);
  }
}
