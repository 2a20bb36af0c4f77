package dev.quire.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reciprocal-rank fusion, plain and with the second ranking down-weighted. */
class ReciprocalRankFusionTest {

  private static List<Ranked> ranking(long... pageIds) {
    return java.util.Arrays.stream(pageIds).mapToObj(id -> new Ranked(id, 0f)).toList();
  }

  @Test
  void aDownWeightedRankingReordersLessAndStillAddsWhatTheOtherMissed() {
    List<Ranked> bm25 = ranking(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    List<Ranked> dense = ranking(10, 11);
    // equal weights: BM25's tenth page, dense's first, goes first (1/70 + 1/61), and dense's
    // second, which BM25 lacks, ties BM25's second (1/62)
    assertThat(ReciprocalRankFusion.fuse(bm25, dense, 60)).extracting(Ranked::pageId)
        .startsWith(10L, 1L, 2L, 11L, 3L);
    // at 0.1 (BM25 0.9) it only passes BM25's third (0.9/70 + 0.1/61 = 0.01450 < 0.9/62, > 0.9/63)
    assertThat(ReciprocalRankFusion.fuseWeighted(bm25, dense, 60, 0.1)).extracting(Ranked::pageId)
        .startsWith(1L, 2L, 10L, 3L).endsWith(11L);
    assertThat(ReciprocalRankFusion.fuseWeighted(bm25, dense, 60, 0.5)).extracting(Ranked::pageId)
        .isEqualTo(ReciprocalRankFusion.fuse(bm25, dense, 60).stream().map(Ranked::pageId).toList());
    assertThat(ReciprocalRankFusion.fuseWeighted(bm25, dense, 60, 1.0)).extracting(Ranked::pageId)
        .as("all weight on the dense side").startsWith(10L, 11L);
    assertThat(ReciprocalRankFusion.fuseWeighted(List.of(), dense, 60, 0.2)).extracting(Ranked::pageId)
        .as("where BM25 finds nothing, the dense order stands").containsExactly(10L, 11L);
  }

  @Test
  void theConvexCombinationWeighsMinMaxNormalisedScores() {
    List<Ranked> bm25 = List.of(new Ranked(1, 12f), new Ranked(2, 8f), new Ranked(3, 2f));
    List<Ranked> dense = List.of(new Ranked(3, 0.9f), new Ranked(4, 0.8f), new Ranked(1, 0.5f));
    // normalised: bm25 1 -> 1, 2 -> 0.6, 3 -> 0; dense 3 -> 1, 4 -> 0.75, 1 -> 0
    List<Ranked> fused = ReciprocalRankFusion.convex(bm25, dense, 0.3);
    assertThat(fused).extracting(Ranked::pageId).containsExactly(1L, 2L, 3L, 4L);
    assertThat(fused.get(0).score()).isCloseTo(0.7f, org.assertj.core.api.Assertions.within(1e-6f));
    assertThat(fused.get(1).score()).isCloseTo(0.42f, org.assertj.core.api.Assertions.within(1e-6f));
    assertThat(fused.get(2).score()).isCloseTo(0.3f, org.assertj.core.api.Assertions.within(1e-6f));
    assertThat(fused.get(3).score()).isCloseTo(0.225f, org.assertj.core.api.Assertions.within(1e-6f));
    assertThat(ReciprocalRankFusion.convex(bm25, dense, 0.8)).extracting(Ranked::pageId)
        .containsExactly(3L, 4L, 1L, 2L);
    // one page or equal scores: each counts fully; nothing on one side leaves the other's order
    assertThat(ReciprocalRankFusion.convex(List.of(new Ranked(7, 3f)), List.of(), 0.5))
        .extracting(Ranked::pageId).containsExactly(7L);
    assertThat(ReciprocalRankFusion.convex(List.of(), dense, 0.3)).extracting(Ranked::pageId)
        .containsExactly(3L, 4L, 1L);
  }

  @Test
  void fusionSettingsAreChecked() {
    assertThat(Fusion.defaults()).isEqualTo(new Fusion(Fusion.Method.CONVEX, 0.1));
    assertThat(Fusion.of(Fusion.Method.RRF).denseWeight()).isEqualTo(0.5);
    assertThat(Fusion.Method.parse(" Convex ")).isEqualTo(Fusion.Method.CONVEX);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Fusion.Method.parse("sum"))
        .hasMessageContaining("expected rrf or convex");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Fusion(Fusion.Method.RRF, 1.5))
        .hasMessageContaining("[0, 1]");
  }
}
