package dev.quire.evaluation;

import java.util.List;

/**
 * What {@link Metrics} computes.
 *
 * @param cutoffs the k of every measure, strictly increasing and positive
 * @param relevanceLevel the smallest relevance that counts as relevant for the binary measures (MAP,
 *     Recall, P, MRR), as pytrec_eval's {@code relevance_level}; nDCG always uses the graded values
 */
public record MetricsConfig(List<Integer> cutoffs, int relevanceLevel) {

  /** k in 1, 3, 5, 10, 20, 100; relevance level 1 (pytrec_eval's default). */
  public static final MetricsConfig DEFAULT = new MetricsConfig(List.of(1, 3, 5, 10, 20, 100), 1);

  public MetricsConfig {
    cutoffs = List.copyOf(cutoffs);
    if (cutoffs.isEmpty()) {
      throw new IllegalArgumentException("at least one cutoff is needed");
    }
    for (int i = 0; i < cutoffs.size(); i++) {
      if (cutoffs.get(i) < 1 || (i > 0 && cutoffs.get(i) <= cutoffs.get(i - 1))) {
        throw new IllegalArgumentException(
            "cutoffs must be positive and strictly increasing, got " + cutoffs);
      }
    }
    if (relevanceLevel < 1) {
      // pytrec_eval refuses it too: with 0, unjudged documents would count as relevant.
      throw new IllegalArgumentException("relevance level must be at least 1, got " + relevanceLevel);
    }
  }

  public MetricsConfig withRelevanceLevel(int level) {
    return new MetricsConfig(cutoffs, level);
  }

  public MetricsConfig withCutoffs(List<Integer> ks) {
    return new MetricsConfig(ks, relevanceLevel);
  }
}
