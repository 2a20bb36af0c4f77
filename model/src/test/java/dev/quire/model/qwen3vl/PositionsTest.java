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
    int[][] p = Positions.text(ids, pad, new int[][] {{1, 4, 6}}, 2).axes();
    assertThat(p[0]).containsExactly(0, 1, 2, 2, 2, 2, 2, 2, 5, 6);
    assertThat(p[1]).containsExactly(0, 1, 2, 2, 2, 3, 3, 3, 5, 6);
    assertThat(p[2]).containsExactly(0, 1, 2, 3, 4, 2, 3, 4, 5, 6);
  }

  @Test
  void theNextPositionFollowsTheLargerMergedSideNotTheImageTokenCount() {
    int pad = 9;
    // one image (2 x 3 merged tokens) between text: the next token takes 7, not 10
    int[] one = {1, 2, pad, pad, pad, pad, pad, pad, 3, 4};
    assertThat(Positions.text(one, pad, new int[][] {{1, 4, 6}}, 2).next()).isEqualTo(7);
    // two images, the second (2 x 2 merged tokens) last: 1 + 3 for the first, 5 + 2 for the second
    int[] two = {1, pad, pad, pad, pad, pad, pad, 2, pad, pad, pad, pad};
    Positions.Text text = Positions.text(two, pad, new int[][] {{1, 4, 6}, {1, 4, 4}}, 2);
    assertThat(text.axes()[0]).containsExactly(0, 1, 1, 1, 1, 1, 1, 4, 5, 5, 5, 5);
    assertThat(text.axes()[1]).containsExactly(0, 1, 1, 1, 2, 2, 2, 4, 5, 5, 6, 6);
    assertThat(text.axes()[2]).containsExactly(0, 1, 2, 3, 1, 2, 3, 4, 5, 6, 5, 6);
    assertThat(text.next()).isEqualTo(7);
    // text only: one past the last token
    assertThat(Positions.text(new int[] {1, 2, 3}, pad, new int[0][], 2).next()).isEqualTo(3);
  }

  @Test
  void aContinuationStartsAtTheSequencesNextPosition() {
    int pad = 9;
    Positions.Text step = Positions.text(new int[] {5}, pad, new int[0][], 2, 7);
    assertThat(step.axes()[0]).containsExactly(7);
    assertThat(step.axes()[1]).containsExactly(7);
    assertThat(step.axes()[2]).containsExactly(7);
    assertThat(step.next()).isEqualTo(8);
    Positions.Text image = Positions.text(new int[] {pad, pad, 3}, pad, new int[][] {{1, 2, 4}}, 2, 4);
    assertThat(image.axes()[2]).containsExactly(4, 5, 6);
    assertThat(image.next()).isEqualTo(7);
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
