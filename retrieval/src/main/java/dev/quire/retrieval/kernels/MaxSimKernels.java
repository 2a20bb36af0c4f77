package dev.quire.retrieval.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The late-interaction kernels over pages stored in {@link dev.quire.index.PageCodec}'s layouts,
 * one implementation per vector width: {@link ScalarMaxSim} (the default and the reference twin),
 * and the Panama kernels for 512-bit and 256-bit vectors, which {@link MaxSimKernelProvider} loads
 * only where the {@code jdk.incubator.vector} module is present.
 *
 * <p>An instance may own scratch space and is then not thread-safe: one per thread ({@link
 * MaxSimScorer} keeps one). Callers have checked the arguments: the query fits the instance's
 * {@code maxDim} and the page lies within {@code segment} at {@code offset}.
 */
public interface MaxSimKernels {

  /** Sum over query tokens of the maximum dot product with a page token of the half copy at {@code offset}. */
  float halfPrecision(PreparedQuery q, MemorySegment segment, long offset, int pageTokens);

  /**
   * Sum over query tokens of the maximum over page tokens of {@code sum_j q_j * s_j}, where {@code
   * s_j} is +1 when the page's sign bit j (codes at {@code offset}) is set and -1 otherwise.
   */
  float asymmetric(PreparedQuery q, MemorySegment segment, long offset, int pageTokens);

  /**
   * Writes to {@code minima[i]}, for every query token {@code i}, the minimum Hamming distance to a
   * page token of the codes at {@code offset} (the Hamming MaxSim and the pre-filter key derive from
   * it). {@code minima} holds at least {@link PreparedQuery#paddedTokens()} entries.
   */
  void minimumDistances(PreparedQuery q, MemorySegment segment, long offset, int pageTokens, int[] minima);
}
