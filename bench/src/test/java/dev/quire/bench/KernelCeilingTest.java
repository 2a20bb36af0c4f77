package dev.quire.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KernelCeilingTest {

  /** A 1 GHz core with two FMA ports, two vector ports, one popcount and one permute unit. */
  private final KernelCeiling core = new KernelCeiling(2e9, 2e9, 1e9, 1e9);

  @Test
  void halfPrecisionIsOneFmaPerQueryTokenDimensionAndSixteenPageTokens() {
    // 32 query tokens x 65 blocks of 16 tokens (1,030 padded to 1,040) x 128 dimensions.
    assertThat(core.pagesPerSecond("HalfPrecisionBenchmark.quire", 128).orElseThrow())
        .isCloseTo(2e9 / (32 * 65 * 128), within(1e-6));
  }

  @Test
  void hammingAt128BitsIsBoundByAllItsOperationsOnTwoPorts() {
    // 32 x 129 blocks of 8 tokens, each 2 XOR + 2 popcounts + 1 addition + 1 minimum on 2 ports:
    // 12,384 cycles, where the 8,256 popcounts alone would take 8,256.
    assertThat(core.pagesPerSecond("HammingBenchmark.quire", 128).orElseThrow())
        .isCloseTo(1e9 / 12_384.0, within(1e-6));
  }

  @Test
  void hammingIsBoundByThePopcountUnitWhenItIsTheScarceOne() {
    KernelCeiling slowCounts = new KernelCeiling(2e9, 2e9, 0.25e9, 1e9);
    assertThat(slowCounts.pagesPerSecond("HammingBenchmark.quire", 128).orElseThrow())
        .isCloseTo(0.25e9 / (32 * 129 * 2), within(1e-6));
  }

  @Test
  void asymmetricIsBoundByItsLookups() {
    // 32 x 65 pairs of code blocks x 32 lookups (128 dimensions, 4 a lookup): 66,560 permutes on
    // one unit, against 149,760 operations on two ports (74,880 cycles).
    assertThat(core.pagesPerSecond("AsymmetricBenchmark.quire", 128).orElseThrow())
        .isCloseTo(1e9 / 74_880.0, within(1e-6));
  }

  @Test
  void otherBenchmarksHaveNoCeiling() {
    assertThat(core.pagesPerSecond("HalfPrecisionBenchmark.lucene", 128)).isEmpty();
  }
}
