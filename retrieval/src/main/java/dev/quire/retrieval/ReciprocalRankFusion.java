package dev.quire.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fusion of rankings. Reciprocal-rank fusion (Cormack et al., 2009): a page's fused score is the sum over the
 * rankings that contain it of {@code 1 / (k + rank)}, rank counted from 1. Scores of different
 * kinds (BM25, MaxSim) never need to be calibrated against each other.
 */
final class ReciprocalRankFusion {

  private ReciprocalRankFusion() {}

  @SafeVarargs
  static List<Ranked> fuse(int k, List<Ranked>... rankings) {
    double[] weights = new double[rankings.length];
    java.util.Arrays.fill(weights, 1.0);
    return fuse(k, weights, rankings);
  }

  static List<Ranked> fuse(List<Ranked> a, List<Ranked> b, int k) {
    return fuse(k, a, b);
  }

  /** Two rankings, the second's contributions weighted by {@code weightB}, the first's by {@code 1 - weightB}. */
  static List<Ranked> fuseWeighted(List<Ranked> a, List<Ranked> b, int k, double weightB) {
    return fuse(k, new double[] {1 - weightB, weightB}, List.of(a, b).toArray(List[]::new));
  }

  /**
   * The convex combination {@code (1 - weightB) x a + weightB x b} of the two rankings' scores,
   * each min-max normalised over its list (all 1 when a list's scores are equal); a page missing
   * from a list gets 0 from it. Ties go to the lower page id.
   */
  static List<Ranked> convex(List<Ranked> a, List<Ranked> b, double weightB) {
    Map<Long, Double> fused = new LinkedHashMap<>();
    addNormalised(fused, a, 1 - weightB);
    addNormalised(fused, b, weightB);
    return sorted(fused);
  }

  private static void addNormalised(Map<Long, Double> fused, List<Ranked> ranking, double weight) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Ranked r : ranking) {
      min = Math.min(min, r.score());
      max = Math.max(max, r.score());
    }
    for (Ranked r : ranking) {
      double normalised = max > min ? (r.score() - min) / (max - min) : 1.0;
      fused.merge(r.pageId(), weight * normalised, Double::sum);
    }
  }

  /** Each ranking contributes {@code weight / (k + rank)} to the pages it holds. */
  private static List<Ranked> fuse(int k, double[] weights, List<Ranked>[] rankings) {
    Map<Long, Double> fused = new LinkedHashMap<>();
    for (int r = 0; r < rankings.length; r++) {
      List<Ranked> ranking = rankings[r];
      for (int i = 0; i < ranking.size(); i++) {
        fused.merge(ranking.get(i).pageId(), weights[r] / (k + i + 1), Double::sum);
      }
    }
    return sorted(fused);
  }

  private static List<Ranked> sorted(Map<Long, Double> fused) {
    // Sort on the double sums: rounding to float first could invent ties.
    List<Map.Entry<Long, Double>> entries = new ArrayList<>(fused.entrySet());
    entries.sort(
        Map.Entry.<Long, Double>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    List<Ranked> out = new ArrayList<>(entries.size());
    for (Map.Entry<Long, Double> e : entries) {
      out.add(new Ranked(e.getKey(), e.getValue().floatValue()));
    }
    return out;
  }
}
