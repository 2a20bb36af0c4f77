package dev.quire.retrieval;

import java.util.ArrayList;
import java.util.List;

/**
 * How a search runs.
 *
 * @param firstStage where candidates come from
 * @param depth how many candidates the first stage passes on (BM25 top-N; the size of the
 *     exhaustive ranking that enters fusion)
 * @param scorers the rescoring chain. Every stage but the last ranks its candidates and passes
 *     the best {@code ceil(depth x ratio)} on; the rest follow the final ranking in that stage's
 *     order, their scores shifted below it (phased ranking, as Vespa's rerank-count). The last
 *     stage orders what reached it.
 *     [HAMMING, HALF] is the Hamming pre-filter followed by half-precision MaxSim; an empty chain
 *     keeps the first stage's order (BM25 only, even with a model loaded)
 * @param prefilterRatio the share of the depth an intermediate stage passes on, in (0, 1]
 * @param rrfK the constant of reciprocal-rank fusion (60 in the original paper)
 * @param fusion how the hybrid first stage joins BM25 and the dense ranking
 */
public record SearchConfig(
    FirstStage firstStage, int depth, List<Scorer> scorers, double prefilterRatio, int rrfK, Fusion fusion) {

  /** With the default {@link Fusion}. */
  public SearchConfig(FirstStage firstStage, int depth, List<Scorer> scorers, double prefilterRatio, int rrfK) {
    this(firstStage, depth, scorers, prefilterRatio, rrfK, Fusion.defaults());
  }

  public SearchConfig {
    if (depth < 1) {
      throw new IllegalArgumentException("first-stage depth must be positive, got " + depth);
    }
    if (scorers.isEmpty() && firstStage.needsPageVectors()) {
      throw new IllegalArgumentException(
          "first stage '" + firstStage.label() + "' ranks by embeddings: it needs a scorer");
    }
    if (!(prefilterRatio > 0 && prefilterRatio <= 1)) {
      throw new IllegalArgumentException(
          "pre-filter ratio must be in (0, 1], got " + prefilterRatio);
    }
    if (rrfK < 1) {
      throw new IllegalArgumentException("RRF constant must be positive, got " + rrfK);
    }
    if (fusion == null) {
      throw new IllegalArgumentException("fusion must not be null");
    }
    scorers = List.copyOf(scorers);
  }

  /** BM25 top 100, Hamming pre-filter keeping half, half-precision MaxSim. */
  public static SearchConfig defaults() {
    return new SearchConfig(FirstStage.BM25, 100, List.of(Scorer.HAMMING, Scorer.HALF), 0.5, 60);
  }

  /**
   * Parses a chain such as {@code "hamming,half"} or {@code "half"}; {@code "none"} is the empty
   * chain (first stage only).
   */
  public static List<Scorer> parseScorers(String chain) {
    if (chain.isBlank()) {
      throw new IllegalArgumentException("empty scorer chain: name scorers, or 'none'");
    }
    if (chain.strip().equalsIgnoreCase("none")) {
      return List.of();
    }
    List<Scorer> out = new ArrayList<>();
    for (String part : chain.split("[,>+ ]+")) {
      if (!part.isBlank()) {
        out.add(Scorer.parse(part));
      }
    }
    return out;
  }

  /**
   * Pages each intermediate stage of the scorer chain passes on to the next, the best {@code
   * ceil(depth x prefilterRatio)} of those it scored.
   */
  public int passedOn() {
    return (int) Math.ceil(depth * prefilterRatio);
  }

  public SearchConfig withFirstStage(FirstStage stage) {
    return new SearchConfig(stage, depth, scorers, prefilterRatio, rrfK, fusion);
  }

  public SearchConfig withDepth(int newDepth) {
    return new SearchConfig(firstStage, newDepth, scorers, prefilterRatio, rrfK, fusion);
  }

  public SearchConfig withScorers(List<Scorer> chain) {
    return new SearchConfig(firstStage, depth, chain, prefilterRatio, rrfK, fusion);
  }

  public SearchConfig withFusion(Fusion newFusion) {
    return new SearchConfig(firstStage, depth, scorers, prefilterRatio, rrfK, newFusion);
  }

  public SearchConfig withPrefilterRatio(double ratio) {
    return new SearchConfig(firstStage, depth, scorers, ratio, rrfK, fusion);
  }
}
