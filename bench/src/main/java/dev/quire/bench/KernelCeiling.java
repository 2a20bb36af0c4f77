package dev.quire.bench;

import java.util.Optional;

/**
 * The most pages per second a kernel can score on a core that issues its instructions at the rates
 * {@link MachineLimitBenchmark} measured: the instructions one page needs, counted from the kernel
 * as written ({@code MaxSimScorer}), divided by those rates. Loads, loop control and the per-tile
 * set-up are left out, so the ceiling is generous.
 *
 * @param fmaRate fused multiply-adds per second (512-bit)
 * @param vectorOpRate simple 512-bit operations per second over all the ports that take them
 * @param popcountRate 512-bit population counts per second
 * @param permuteRate 512-bit lane permutes per second
 */
record KernelCeiling(double fmaRate, double vectorOpRate, double popcountRate, double permuteRate) {

  private static final int QUERY = PageSet.QUERY_TOKENS;
  /** Half-precision blocks of 16 tokens and code blocks of 8 tokens in a page (the last one padded). */
  private static final int HALF_BLOCKS = (PageSet.PAGE_TOKENS + 15) / 16;
  private static final int CODE_BLOCKS = (PageSet.PAGE_TOKENS + 7) / 8;

  /** The ceiling of a benchmark method of the kernel classes, if it is one. */
  Optional<Double> pagesPerSecond(String benchmark, int dim) {
    int words = dim / 64;
    return switch (benchmark) {
      // One FMA per query token, dimension and 16 page tokens.
      case "HalfPrecisionBenchmark.quire", "StoreRescoringBenchmark.halfPrecisionStore" ->
          Optional.of(fmaRate / ((double) QUERY * HALF_BLOCKS * dim));
      // Per query token and block of 8 page tokens: a XOR and a count per word, an addition
      // between words, one minimum.
      case "HammingBenchmark.quire", "HammingBenchmark.quireDistanceSum", "StoreRescoringBenchmark.hammingStore" -> {
        double pairs = (double) QUERY * CODE_BLOCKS;
        double counts = pairs * words;
        double all = pairs * (3.0 * words);
        yield Optional.of(1 / Math.max(counts / popcountRate, all / vectorOpRate));
      }
      // Per query token, pair of code blocks (16 tokens) and 4 dimensions: a lookup (permute) and
      // an addition; per 4 query tokens and 8 dimensions, two index masks (selectFrom wraps).
      case "AsymmetricBenchmark.quire" -> {
        double lookups = (double) QUERY * ((CODE_BLOCKS + 1) / 2) * 16 * words;
        double all = 2 * lookups + lookups / 4;
        yield Optional.of(1 / Math.max(lookups / permuteRate, all / vectorOpRate));
      }
      default -> Optional.empty();
    };
  }
}
