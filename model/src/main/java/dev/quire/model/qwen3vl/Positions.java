package dev.quire.model.qwen3vl;

/**
 * Position ids and rotary angles of Qwen3-VL, computed on the host.
 *
 * <p>Text positions ({@code Qwen3VLModel.get_rope_index}) are per unpadded sequence, three axes
 * (t, h, w): a text token gets the running index on all three; the k-th token of an image
 * starting at running index s, on a merged grid gh x gw, gets (s, s + k / gw, s + k % gw) and
 * the running index then moves on by max(gh, gw). Vision positions are each patch's own (row,
 * column) in merge-block order.
 */
public final class Positions {

  private Positions() {}

  /**
   * M-RoPE positions of a run of tokens: {@code axes} [3][length] (t, h, w), and {@code next},
   * the position the token after the run takes on all three axes (transformers keeps it as
   * {@code rope_deltas}: after an image it is the image's start + max(h, w) / merge, not the
   * start + its token count).
   */
  public record Text(int[][] axes, int next) {}

  /**
   * M-RoPE positions of one unpadded sequence from position 0. {@code grids} are the (t, h, w)
   * patch grids of its images in order; image tokens are the runs of {@code imageTokenId}.
   */
  public static Text text(int[] ids, int imageTokenId, int[][] grids, int merge) {
    return text(ids, imageTokenId, grids, merge, 0);
  }

  /**
   * M-RoPE positions of tokens that continue a sequence whose next position is {@code start}
   * (0 for a new sequence): what a decoding step or a continued prompt needs.
   */
  public static Text text(int[] ids, int imageTokenId, int[][] grids, int merge, int start) {
    int n = ids.length;
    int[][] positions = new int[3][n];
    int current = start;
    int image = 0;
    int i = 0;
    while (i < n) {
      if (ids[i] != imageTokenId) {
        positions[0][i] = positions[1][i] = positions[2][i] = current++;
        i++;
        continue;
      }
      int end = i;
      while (end < n && ids[end] == imageTokenId) {
        end++;
      }
      if (image >= grids.length) {
        throw new IllegalArgumentException("sequence has more image token runs than images ("
            + grids.length + ")");
      }
      int[] grid = grids[image++];
      int gt = grid[0];
      int gh = grid[1] / merge;
      int gw = grid[2] / merge;
      if (end - i != gt * gh * gw) {
        throw new IllegalArgumentException("an image of grid " + grid[0] + "x" + grid[1] + "x"
            + grid[2] + " needs " + gt * gh * gw + " image tokens, the sequence has " + (end - i));
      }
      for (int k = 0; k < end - i; k++) {
        int t = k / (gh * gw);
        int within = k % (gh * gw);
        positions[0][i + k] = current + t;
        positions[1][i + k] = current + within / gw;
        positions[2][i + k] = current + within % gw;
      }
      current += Math.max(grid[1], grid[2]) / merge;
      i = end;
    }
    if (image != grids.length) {
      throw new IllegalArgumentException(
          "sequence has " + image + " image token runs for " + grids.length + " images");
    }
    return new Text(positions, current);
  }

  /** Per patch of an image in merge-block order: {row, column} on its (h, w) patch grid. */
  public static int[][] patches(int gridT, int gridH, int gridW, int merge) {
    int count = gridT * gridH * gridW;
    int[][] rowCol = new int[count][];
    int index = 0;
    for (int t = 0; t < gridT; t++) {
      for (int blockRow = 0; blockRow < gridH / merge; blockRow++) {
        for (int blockCol = 0; blockCol < gridW / merge; blockCol++) {
          for (int inRow = 0; inRow < merge; inRow++) {
            for (int inCol = 0; inCol < merge; inCol++) {
              rowCol[index++] = new int[] {blockRow * merge + inRow, blockCol * merge + inCol};
            }
          }
        }
      }
    }
    return rowCol;
  }

  /** {@code 1 / theta^(2j / dim)} for j < dim / 2, in float32 as torch computes it. */
  static float[] inverseFrequencies(double theta, int dim) {
    float[] inverse = new float[dim / 2];
    float base = (float) theta;
    for (int j = 0; j < inverse.length; j++) {
      float exponent = (float) (2 * j) / dim;
      inverse[j] = 1f / (float) Math.pow(base, exponent);
    }
    return inverse;
  }

  /**
   * Which position axis (0 = t, 1 = h, 2 = w) drives each rotary frequency under interleaved
   * M-RoPE: h on j % 3 == 1 below 3 x section[1], w on j % 3 == 2 below 3 x section[2], t on
   * the rest.
   */
  static int[] mropeAxes(int frequencies, int[] section) {
    int[] axes = new int[frequencies];
    for (int j = 0; j < frequencies; j++) {
      if (j % 3 == 1 && j < 3 * section[1]) {
        axes[j] = 1;
      } else if (j % 3 == 2 && j < 3 * section[2]) {
        axes[j] = 2;
      }
    }
    return axes;
  }

  /**
   * Fills text rotary tables for the first {@code tokens} positions: cos and sin, each
   * [tokens, headDim], the angles {@code position[axis(j)] * inv_freq[j]} in float32, duplicated
   * over the two halves.
   */
  static void textRotary(int[][] positions, int tokens, float[] inverse, int[] axes, float[] cos,
      float[] sin) {
    int half = inverse.length;
    int dim = 2 * half;
    for (int n = 0; n < tokens; n++) {
      int row = n * dim;
      for (int j = 0; j < half; j++) {
        float angle = (float) positions[axes[j]][n] * inverse[j];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[row + j] = cos[row + half + j] = c;
        sin[row + j] = sin[row + half + j] = s;
      }
    }
  }

  /**
   * Vision rotary tables for patches at {@code rowCol}: per patch the angles
   * {@code [row * inv_freq, col * inv_freq]} (headDim / 2 values) duplicated to headDim.
   */
  static void visionRotary(int[][] rowCol, float[] inverse, float[] cos, float[] sin, int rowOffset) {
    int quarter = inverse.length;
    int dim = 4 * quarter;
    for (int n = 0; n < rowCol.length; n++) {
      int base = (rowOffset + n) * dim;
      for (int axis = 0; axis < 2; axis++) {
        for (int j = 0; j < quarter; j++) {
          float angle = (float) rowCol[n][axis] * inverse[j];
          float c = (float) Math.cos(angle);
          float s = (float) Math.sin(angle);
          int k = axis * quarter + j;
          cos[base + k] = cos[base + 2 * quarter + k] = c;
          sin[base + k] = sin[base + 2 * quarter + k] = s;
        }
      }
    }
  }

  /**
   * Bilinear (align_corners) interpolation of the learned side x side position table to a
   * gridH x gridW grid, for the patches at {@code rowCol}: four table indices and four weights
   * per patch, in float32 as transformers' vision_utils computes them.
   */
  static void interpolation(int[][] rowCol, int gridH, int gridW, int side, long[] indices,
      float[] weights, int rowOffset) {
    for (int n = 0; n < rowCol.length; n++) {
      float[] rw = new float[2];
      int[] rt = new int[2];
      float[] cw = new float[2];
      int[] ct = new int[2];
      axisTaps(rowCol[n][0], gridH, side, rt, rw);
      axisTaps(rowCol[n][1], gridW, side, ct, cw);
      int base = (rowOffset + n) * 4;
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          indices[base + 2 * a + b] = (long) rt[a] * side + ct[b];
          weights[base + 2 * a + b] = rw[a] * cw[b];
        }
      }
    }
  }

  private static void axisTaps(int index, int size, int side, int[] taps, float[] weights) {
    float src = (float) index * (side - 1) / Math.max(size - 1, 1);
    float floor = (float) Math.floor(src);
    for (int o = 0; o < 2; o++) {
      taps[o] = Math.min(Math.max((int) floor + o, 0), side - 1);
      weights[o] = Math.max(1 - Math.abs(src - floor - o), 0f);
    }
  }
}
