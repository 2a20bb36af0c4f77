package dev.quire.retrieval.kernels;

import dev.quire.index.PageCodec;
import java.lang.foreign.MemorySegment;

/**
 * Plain-loop twins of the Panama kernels over the same stored layouts: the behaviour the SIMD
 * kernels must match, and the {@link MaxSimKernels} of a JVM without {@code jdk.incubator.vector}
 * or without 256-bit vectors. Stateless: {@link #INSTANCE} serves every thread.
 */
public final class ScalarMaxSim implements MaxSimKernels {

  /** The scalar kernels (they keep no scratch). */
  public static final ScalarMaxSim INSTANCE = new ScalarMaxSim();

  private ScalarMaxSim() {}

  @Override
  public float halfPrecision(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    return halfPrecision(q, segment.asSlice(offset, PageCodec.halfBytes(pageTokens, q.dim())), pageTokens);
  }

  @Override
  public float asymmetric(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    return asymmetric(q, segment.asSlice(offset, PageCodec.binaryBytes(pageTokens, q.dim())), pageTokens);
  }

  @Override
  public void minimumDistances(PreparedQuery q, MemorySegment segment, long offset, int pageTokens, int[] minima) {
    minimumDistances(q, segment.asSlice(offset, PageCodec.binaryBytes(pageTokens, q.dim())), pageTokens, minima);
  }

  /** Sum over query tokens of the maximum dot product with the page's binary16 tokens. */
  public static float halfPrecision(PreparedQuery q, MemorySegment half, int pageTokens) {
    int dim = q.dim();
    PageCodec.checkSegment("half copy", half, PageCodec.halfBytes(pageTokens, dim), pageTokens, dim);
    float score = 0f;
    for (int i = 0; i < q.tokens(); i++) {
      float best = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < pageTokens; t++) {
        float dot = 0f;
        for (int d = 0; d < dim; d++) {
          float value = Float.float16ToFloat(half.get(PageCodec.HALF_VALUE, PageCodec.halfOffset(t, d, dim)));
          dot += q.vectors[i * dim + d] * value;
        }
        best = Math.max(best, dot);
      }
      score += best;
    }
    return score;
  }

  /** Sum over query tokens of the maximum of {@code sum_j q_j * (page bit j set ? +1 : -1)}. */
  public static float asymmetric(PreparedQuery q, MemorySegment binary, int pageTokens) {
    int dim = q.dim();
    int words = q.words();
    PageCodec.checkSegment("binary codes", binary, PageCodec.binaryBytes(pageTokens, dim), pageTokens, dim);
    float score = 0f;
    for (int i = 0; i < q.tokens(); i++) {
      float best = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < pageTokens; t++) {
        float dot = 0f;
        for (int d = 0; d < dim; d++) {
          long word = binary.get(PageCodec.CODE_WORD, PageCodec.binaryOffset(t, d >>> 6, words));
          float value = q.vectors[i * dim + d];
          dot += (word >>> (d & 63) & 1L) != 0 ? value : -value;
        }
        best = Math.max(best, dot);
      }
      score += best;
    }
    return score;
  }

  /** Vespa's binary MaxSim: sum over query tokens of {@code 1 / (1 + minimum Hamming distance)}. */
  public static float hamming(PreparedQuery q, MemorySegment binary, int pageTokens) {
    int[] minima = new int[q.tokens()];
    minimumDistances(q, binary, pageTokens, minima);
    return MaxSimScorer.inverseDistanceSum(minima, q.tokens());
  }

  /** Sum over query tokens of the minimum Hamming distance to a page token. */
  public static int hammingDistanceSum(PreparedQuery q, MemorySegment binary, int pageTokens) {
    int[] minima = new int[q.tokens()];
    minimumDistances(q, binary, pageTokens, minima);
    int sum = 0;
    for (int minimum : minima) {
      sum += minimum;
    }
    return sum;
  }

  static void minimumDistances(PreparedQuery q, MemorySegment binary, int pageTokens, int[] minima) {
    int dim = q.dim();
    int words = q.words();
    PageCodec.checkSegment("binary codes", binary, PageCodec.binaryBytes(pageTokens, dim), pageTokens, dim);
    for (int i = 0; i < q.tokens(); i++) {
      int best = Integer.MAX_VALUE;
      for (int t = 0; t < pageTokens; t++) {
        int distance = 0;
        for (int w = 0; w < words; w++) {
          long page = binary.get(PageCodec.CODE_WORD, PageCodec.binaryOffset(t, w, words));
          distance += Long.bitCount(q.codes[i * words + w] ^ page);
        }
        best = Math.min(best, distance);
      }
      minima[i] = best;
    }
  }
}
