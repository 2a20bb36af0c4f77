package dev.quire.evaluation.benchmark;

import java.util.Locale;

/**
 * One committed expectation checked against a run, printed as Anserini prints its regressions.
 *
 * @param dataset the benchmark
 * @param subject what was checked, e.g. {@code bm25 nDCG@10} or {@code pages}
 * @param expected the committed value (NaN when skipped)
 * @param actual this run's value (NaN when it did not run)
 */
public record ExpectationCheck(String dataset, String subject, Status status, double expected, double actual,
    String reason) {

  public enum Status {
    OK,
    FAIL,
    SKIP
  }

  /** E.g. {@code [OK]   synthetic bm25 nDCG@10: 0.6123}. */
  public String line() {
    String head = String.format(Locale.ROOT, "%-6s %s %s", "[" + status + "]", dataset, subject);
    return switch (status) {
      case OK -> head + ": " + format(actual);
      case FAIL -> head + ": expected " + format(expected) + ", got " + format(actual)
          + (reason.isEmpty() ? "" : " (" + reason + ")");
      case SKIP -> head + ": " + reason;
    };
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.4f", value);
  }
}
