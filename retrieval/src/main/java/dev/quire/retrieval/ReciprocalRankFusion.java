package dev.quire.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal-rank fusion (Cormack et al., 2009): a page's fused score is the sum over the
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

  /** Two rankings, the second's contributions weighted by {@code weightB} (the first's by 1). */
  static List<Ranked> fuseWeighted(List<Ranked> a, List<Ranked> b, int k, double weightB) {
    return fuse(k, new double[] {1.0, weightB}, List.of(a, b).toArray(List[]::new));
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
