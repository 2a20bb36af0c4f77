package dev.quire.evaluation.benchmark;

import java.util.Arrays;

/**
 * A latency distribution in milliseconds. Percentiles are nearest-rank: the p-th percentile is the
 * smallest value with at least p% of the values at or below it, always one measured value.
 */
public record Latency(double p50, double p95, double mean, int count) {

  public static final Latency NONE = new Latency(0, 0, 0, 0);

  public static Latency of(double[] millis) {
    if (millis.length == 0) {
      return NONE;
    }
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    return new Latency(percentile(sorted, 50), percentile(sorted, 95), Arrays.stream(sorted).average().orElse(0),
        sorted.length);
  }

  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
