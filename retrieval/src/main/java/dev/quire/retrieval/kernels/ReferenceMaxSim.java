package dev.quire.retrieval.kernels;

/**
 * Exact late-interaction scores over plain row-major float arrays, with no stored layout and no
 * rounding to binary16: the meaning of each kernel, for tests and for checking an index.
 */
public final class ReferenceMaxSim {

  private ReferenceMaxSim() {}

  /** Sum over query tokens of the maximum dot product with a page token, in double precision. */
  public static double maxSim(float[] query, int queryTokens, float[] page, int pageTokens, int dim) {
    checkLengths(query, queryTokens, page, pageTokens, dim);
    double score = 0;
    for (int i = 0; i < queryTokens; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < pageTokens; t++) {
        double dot = 0;
        for (int d = 0; d < dim; d++) {
          dot += (double) query[i * dim + d] * page[t * dim + d];
        }
        best = Math.max(best, dot);
      }
      score += best;
    }
    return score;
  }

  /** Like {@link #maxSim} with each page value replaced by +1 if it is {@code > 0}, else -1. */
  public static double asymmetric(float[] query, int queryTokens, float[] page, int pageTokens, int dim) {
    checkLengths(query, queryTokens, page, pageTokens, dim);
    double score = 0;
    for (int i = 0; i < queryTokens; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int t = 0; t < pageTokens; t++) {
        double dot = 0;
        for (int d = 0; d < dim; d++) {
          double q = query[i * dim + d];
          dot += page[t * dim + d] > 0f ? q : -q;
        }
        best = Math.max(best, dot);
      }
      score += best;
    }
    return score;
  }

  /**
   * Minimum over page tokens of the number of dimensions whose signs ({@code > 0} or not) differ,
   * for each query token.
   */
  public static int[] minimumHammingDistances(float[] query, int queryTokens, float[] page, int pageTokens, int dim) {
    checkLengths(query, queryTokens, page, pageTokens, dim);
    int[] minima = new int[queryTokens];
    for (int i = 0; i < queryTokens; i++) {
      int best = Integer.MAX_VALUE;
      for (int t = 0; t < pageTokens; t++) {
        int distance = 0;
        for (int d = 0; d < dim; d++) {
          if ((query[i * dim + d] > 0f) != (page[t * dim + d] > 0f)) {
            distance++;
          }
        }
        best = Math.min(best, distance);
      }
      minima[i] = best;
    }
    return minima;
  }

  private static void checkLengths(float[] query, int queryTokens, float[] page, int pageTokens, int dim) {
    if (query.length != (long) queryTokens * dim) {
      throw new IllegalArgumentException("query has " + query.length + " floats, expected "
          + queryTokens + " x " + dim);
    }
    if (page.length != (long) pageTokens * dim) {
      throw new IllegalArgumentException("page has " + page.length + " floats, expected "
          + pageTokens + " x " + dim);
    }
  }
}
