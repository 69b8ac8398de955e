package dev.etcddr.snapshot;

import java.util.List;

/**
 * {@code snapshot verify}: each check with its result and the reason. {@code ok} only when none failed.
 *
 * @param result "pass", "fail" or "skipped" (asked for, e.g. --skip-hash-check, or impossible after an earlier
 *     failure)
 */
public record VerifyReport(String file, boolean ok, List<Check> checks) {
  public record Check(String name, String result, String detail) {
    static Check pass(String name, String detail) {
      return new Check(name, "pass", detail);
    }

    static Check fail(String name, String detail) {
      return new Check(name, "fail", detail);
    }

    static Check skipped(String name, String detail) {
      return new Check(name, "skipped", detail);
    }
  }
}
