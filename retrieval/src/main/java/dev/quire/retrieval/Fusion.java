package dev.quire.retrieval;

import java.util.Locale;

/**
 * How the hybrid first stage joins BM25's ranking and the dense one: reciprocal-rank fusion (the
 * default: ranks only, nothing to calibrate) or a convex combination of the two scores, each
 * min-max normalised over its own list (a page missing from a list gets 0 from it). Either way the
 * dense side weighs {@code denseWeight} and BM25 {@code 1 - denseWeight}.
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

  /**
   * RRF's dense weight. The known-item set (tools/known-item, paraphrased queries) and the
   * synthetic corpus's questions chose it; see the issue 28 session note.
   */
  public static final double RRF_DENSE_WEIGHT = 1.0 / 6;
  /** The convex combination's dense weight, chosen on the same sets. */
  public static final double CONVEX_DENSE_WEIGHT = 0.3;

  public Fusion {
    if (method == null) {
      throw new IllegalArgumentException("fusion method must not be null");
    }
    if (!(denseWeight >= 0 && denseWeight <= 1)) {
      throw new IllegalArgumentException("dense weight must be in [0, 1], got " + denseWeight);
    }
  }

  /** Reciprocal-rank fusion with its measured weight. */
  public static Fusion defaults() {
    return of(Method.RRF);
  }

  /** {@code method} with its measured dense weight. */
  public static Fusion of(Method method) {
    return new Fusion(method, method == Method.RRF ? RRF_DENSE_WEIGHT : CONVEX_DENSE_WEIGHT);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s dense=%.3f", method.label(), denseWeight);
  }
}
