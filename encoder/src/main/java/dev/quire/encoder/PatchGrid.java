package dev.quire.encoder;

/**
 * Where a page's image patches sit among its embedding tokens: token {@code firstToken + r * cols
 * + c} covers cell (r, c) of a {@code rows x cols} grid laid over the whole page image. Lets a
 * similarity map show which regions of the page matched each query token.
 */
public record PatchGrid(int firstToken, int rows, int cols) {
  public PatchGrid {
    if (firstToken < 0 || rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "invalid patch grid: first token " + firstToken + ", " + rows + " x " + cols);
    }
  }

  public int patches() {
    return rows * cols;
  }
}
