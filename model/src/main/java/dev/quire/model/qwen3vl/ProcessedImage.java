package dev.quire.model.qwen3vl;

/**
 * One page ready for the vision tower: its patch grid (before the 2x2 merge) and the patch rows
 * in merge-block order, each {@code channels x temporal x patch x patch} floats.
 */
public record ProcessedImage(int gridT, int gridH, int gridW, int patchDim, float[] patches) {

  /** The patch grid (t, h, w), as {@code image_grid_thw} holds it. */
  public int[] grid() {
    return new int[] {gridT, gridH, gridW};
  }

  public int patchCount() {
    return gridT * gridH * gridW;
  }

  /** Image tokens after the merge of {@code merge x merge} patches. */
  public int tokenCount(int merge) {
    return patchCount() / (merge * merge);
  }
}
