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
    // at 0.1 it only passes BM25's third (1/70 + 0.1/61 = 0.01593 < 1/62, > 1/63)
    assertThat(ReciprocalRankFusion.fuseWeighted(bm25, dense, 60, 0.1)).extracting(Ranked::pageId)
        .startsWith(1L, 2L, 10L, 3L).endsWith(11L);
    assertThat(ReciprocalRankFusion.fuseWeighted(bm25, dense, 60, 1.0)).extracting(Ranked::pageId)
        .isEqualTo(ReciprocalRankFusion.fuse(bm25, dense, 60).stream().map(Ranked::pageId).toList());
    assertThat(ReciprocalRankFusion.fuseWeighted(List.of(), dense, 60, 0.2)).extracting(Ranked::pageId)
        .as("where BM25 finds nothing, the dense order stands").containsExactly(10L, 11L);
  }
}
