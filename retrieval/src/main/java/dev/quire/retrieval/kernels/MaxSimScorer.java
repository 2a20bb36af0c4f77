package dev.quire.retrieval.kernels;

import dev.quire.index.PageCodec;
import java.lang.foreign.MemorySegment;

/**
 * Late-interaction scoring over pages stored in {@link PageCodec}'s layouts, read in place from
 * heap or native segments at any alignment: checks the arguments and runs the {@link MaxSimKernels}
 * that {@link MaxSimKernelProvider#lookup()} chose for this JVM (512-bit or 256-bit Panama vectors,
 * or the scalar twins).
 *
 * <p>Not thread-safe: one scorer per thread. It owns all scratch space, so scoring allocates
 * nothing (the scratch only grows when a query longer than any before arrives).
 *
 * <p>This class names no {@code jdk.incubator.vector} type: it loads and runs on a JVM without the
 * module (on the scalar kernels).
 */
public final class MaxSimScorer {

  private final int maxDim;
  private final MaxSimKernels kernels;
  /** Per padded query token: the minimum Hamming distance. */
  private int[] minima;

  /**
   * A scorer on the kernels of {@link MaxSimKernelProvider#lookup()}.
   *
   * @param maxDim the largest dimension this scorer will see (sizes its scratch)
   */
  public MaxSimScorer(int maxDim) {
    this(maxDim, MaxSimKernelProvider.lookup());
  }

  /** A scorer on the kernels of {@code provider} (tests and benchmarks compare them). */
  public MaxSimScorer(int maxDim, MaxSimKernelProvider provider) {
    PageCodec.checkShape(1, maxDim);
    this.maxDim = maxDim;
    this.kernels = provider.newKernels(maxDim);
    this.minima = new int[PreparedQuery.TOKEN_GROUP];
  }

  /** Sum over query tokens of the maximum dot product with a page token of the half copy. */
  public float halfPrecision(PreparedQuery q, MemorySegment half, int pageTokens) {
    PageCodec.checkSegment("half copy", half, PageCodec.halfBytes(pageTokens, checkDim(q)), pageTokens, q.dim());
    return kernels.halfPrecision(q, half, 0, pageTokens);
  }

  /**
   * {@link #halfPrecision(PreparedQuery, MemorySegment, int)} of the half copy at {@code offset} in
   * {@code segment} (a page of a memory-mapped store read in place, with no view made per page).
   */
  public float halfPrecision(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    int dim = checkDim(q);
    PageCodec.checkRange("half copy", segment, offset, PageCodec.halfBytes(pageTokens, dim), pageTokens, dim);
    return kernels.halfPrecision(q, segment, offset, pageTokens);
  }

  /**
   * Sum over query tokens of the maximum over page tokens of {@code sum_j q_j * s_j}, where {@code
   * s_j} is +1 when the page's sign bit j is set and -1 otherwise.
   */
  public float asymmetric(PreparedQuery q, MemorySegment binary, int pageTokens) {
    PageCodec.checkSegment("binary codes", binary, PageCodec.binaryBytes(pageTokens, checkDim(q)), pageTokens, q.dim());
    return kernels.asymmetric(q, binary, 0, pageTokens);
  }

  /** {@link #asymmetric(PreparedQuery, MemorySegment, int)} of the codes at {@code offset} in {@code segment}. */
  public float asymmetric(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    int dim = checkDim(q);
    PageCodec.checkRange("binary codes", segment, offset, PageCodec.binaryBytes(pageTokens, dim), pageTokens, dim);
    return kernels.asymmetric(q, segment, offset, pageTokens);
  }

  /** Vespa's binary MaxSim: sum over query tokens of {@code 1 / (1 + minimum Hamming distance)}. */
  public float hamming(PreparedQuery q, MemorySegment binary, int pageTokens) {
    PageCodec.checkSegment("binary codes", binary, PageCodec.binaryBytes(pageTokens, checkDim(q)), pageTokens, q.dim());
    return hamming(q, binary, 0, pageTokens);
  }

  /** {@link #hamming(PreparedQuery, MemorySegment, int)} of the codes at {@code offset} in {@code segment}. */
  public float hamming(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    minimumDistances(q, segment, offset, pageTokens);
    return inverseDistanceSum(minima, q.tokens());
  }

  /** Sum over query tokens of the minimum Hamming distance to a page token (a pre-filter key). */
  public int hammingDistanceSum(PreparedQuery q, MemorySegment binary, int pageTokens) {
    PageCodec.checkSegment("binary codes", binary, PageCodec.binaryBytes(pageTokens, checkDim(q)), pageTokens, q.dim());
    return hammingDistanceSum(q, binary, 0, pageTokens);
  }

  /** {@link #hammingDistanceSum(PreparedQuery, MemorySegment, int)} of the codes at {@code offset}. */
  public int hammingDistanceSum(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    minimumDistances(q, segment, offset, pageTokens);
    int sum = 0;
    for (int i = 0; i < q.tokens(); i++) {
      sum += minima[i];
    }
    return sum;
  }

  static float inverseDistanceSum(int[] minima, int tokens) {
    float score = 0f;
    for (int i = 0; i < tokens; i++) {
      score += 1f / (1 + minima[i]);
    }
    return score;
  }

  /** Fills {@link #minima} with the minimum distance of each query token over the page. */
  private void minimumDistances(PreparedQuery q, MemorySegment binary, long offset, int pageTokens) {
    int dim = checkDim(q);
    PageCodec.checkRange("binary codes", binary, offset, PageCodec.binaryBytes(pageTokens, dim), pageTokens, dim);
    if (minima.length < q.paddedTokens()) {
      minima = new int[q.paddedTokens()];
    }
    kernels.minimumDistances(q, binary, offset, pageTokens, minima);
  }

  private int checkDim(PreparedQuery q) {
    if (q.dim() > maxDim) {
      throw new IllegalArgumentException(
          "query dim " + q.dim() + " exceeds this scorer's maxDim " + maxDim);
    }
    return q.dim();
  }
}
