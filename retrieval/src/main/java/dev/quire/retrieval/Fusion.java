package dev.quire.retrieval;

import java.util.Locale;

/**
 * How the hybrid first stage joins BM25's ranking and the dense one: a convex combination of the
 * two scores, each min-max normalised over its own list (a page missing from a list gets 0 from
 * it), the default; or reciprocal-rank fusion (ranks only). Either way the dense side weighs
 * {@code denseWeight} and BM25 {@code 1 - denseWeight}.
 *
 * <p>Why convex by default: on the known-item set (tools/known-item) and the synthetic corpus, RRF
 * at any dense weight from 0.05 up put the right page first less often than BM25 alone (paraphrased
 * queries, P@1: BM25 68.0, RRF 0.1 63.0, convex 0.1 69.0 on the odd-numbered queries the weight was
 * chosen on; 75.0, 72.0, 77.0 on the even ones). Ranks throw away how far BM25's first page is
 * ahead, and on documentation and business pages that margin is usually right; a small convex
 * weight keeps it and still lets the dense side reorder near-ties and lead where BM25 finds
 * nothing.
 *
 * @param method rrf or convex
 * @param denseWeight in [0, 1]: 0 is BM25's order, 1 the dense one's
 */
public record Fusion(Method method, double denseWeight) {

  /** The two ways of fusing. */
  public enum Method {
    RRF,
    CONVEX;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Method parse(String value) {
      try {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown fusion '" + value + "'; expected rrf or convex", e);
      }
    }
  }

  /** RRF's dense weight: equal weights, as reciprocal-rank fusion is usually meant. */
  public static final double RRF_DENSE_WEIGHT = 0.5;
  /**
   * The convex combination's dense weight, chosen on the odd-numbered queries of the known-item
   * set and the synthetic corpus (0.05 to 0.25 tried): 0.1.
   */
  public static final double CONVEX_DENSE_WEIGHT = 0.1;

  public Fusion {
    if (method == null) {
      throw new IllegalArgumentException("fusion method must not be null");
    }
    if (!(denseWeight >= 0 && denseWeight <= 1)) {
      throw new IllegalArgumentException("dense weight must be in [0, 1], got " + denseWeight);
    }
  }

  /** The convex combination with its measured weight. */
  public static Fusion defaults() {
    return of(Method.CONVEX);
  }

  /** {@code method} with its default dense weight. */
  public static Fusion of(Method method) {
    return new Fusion(method, method == Method.RRF ? RRF_DENSE_WEIGHT : CONVEX_DENSE_WEIGHT);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s dense=%.3f", method.label(), denseWeight);
  }
}
