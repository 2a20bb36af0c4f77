package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Position rules checked where the tiny fixtures cannot see them (they have only 16 frequencies). */
class PositionsTest {

  @Test
  void interleavedMropeOfTheRealModelsUsesHOn1To58WOn2To59AndTOnTheRest() {
    int[] axes = Positions.mropeAxes(64, new int[] {24, 20, 20});
    List<Integer> h = new ArrayList<>();
    List<Integer> w = new ArrayList<>();
    List<Integer> t = new ArrayList<>();
    for (int j = 0; j < 64; j++) {
      (axes[j] == 1 ? h : axes[j] == 2 ? w : t).add(j);
    }
    assertThat(h).hasSize(20).startsWith(1, 4).endsWith(58).allMatch(j -> j % 3 == 1);
    assertThat(w).hasSize(20).startsWith(2, 5).endsWith(59).allMatch(j -> j % 3 == 2);
    assertThat(t).hasSize(24).contains(0, 3, 57, 60, 61, 62, 63);
  }

  @Test
  void inverseFrequenciesFollowTheta() {
    assertThat(Positions.inverseFrequencies(10000, 4)).containsExactly(1f, 0.01f);
  }

  @Test
  void textAfterAnImageContinuesAtTheLargerMergedSide() {
    // 2 text tokens, an image of 1 x 4 x 6 patches (2 x 3 merged tokens), 2 text tokens
    int pad = 9;
    int[] ids = {1, 2, pad, pad, pad, pad, pad, pad, 3, 4};
    int[][] p = Positions.text(ids, pad, new int[][] {{1, 4, 6}}, 2);
    assertThat(p[0]).containsExactly(0, 1, 2, 2, 2, 2, 2, 2, 5, 6);
    assertThat(p[1]).containsExactly(0, 1, 2, 2, 2, 3, 3, 3, 5, 6);
    assertThat(p[2]).containsExactly(0, 1, 2, 3, 4, 2, 3, 4, 5, 6);
  }

  @Test
  void imageTokenCountsMustMatchTheGrid() {
    assertThatThrownBy(() -> Positions.text(new int[] {9, 9}, 9, new int[][] {{1, 4, 4}}, 2))
        .hasMessageContaining("needs 4 image tokens, the sequence has 2");
    assertThatThrownBy(() -> Positions.text(new int[] {1}, 9, new int[][] {{1, 2, 2}}, 2))
        .hasMessageContaining("0 image token runs for 1 images");
  }

  @Test
  void aGridAsLargeAsTheTableReadsItsEntriesExactly() {
    int[][] rowCol = Positions.patches(1, 4, 4, 2);
    long[] indices = new long[rowCol.length * 4];
    float[] weights = new float[rowCol.length * 4];
    Positions.interpolation(rowCol, 4, 4, 4, indices, weights, 0);
    for (int n = 0; n < rowCol.length; n++) {
      assertThat(weights[4 * n]).isEqualTo(1f);
      assertThat(indices[4 * n]).isEqualTo(rowCol[n][0] * 4L + rowCol[n][1]);
      assertThat(weights[4 * n + 1] + weights[4 * n + 2] + weights[4 * n + 3]).isZero();
    }
  }
}
