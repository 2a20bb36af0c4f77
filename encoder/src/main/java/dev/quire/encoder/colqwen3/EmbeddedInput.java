package dev.quire.encoder.colqwen3;

import dev.quire.encoder.MultiVector;

/**
 * One encoded input with what the model saw: its token ids (the expanded document prompt for a
 * page, prefix + text + augmentation tokens for a query), the page's patch grid (t, h, w) before
 * the 2x2 merge (null for a query), and one unit vector per token.
 */
public record EmbeddedInput(int[] tokenIds, int[] imageGrid, MultiVector vectors) {

  public EmbeddedInput {
    tokenIds = tokenIds.clone();
    imageGrid = imageGrid == null ? null : imageGrid.clone();
    if (vectors.tokens() != tokenIds.length) {
      throw new IllegalArgumentException(
          vectors.tokens() + " vectors for " + tokenIds.length + " tokens");
    }
  }

  @Override
  public int[] tokenIds() {
    return tokenIds.clone();
  }

  @Override
  public int[] imageGrid() {
    return imageGrid == null ? null : imageGrid.clone();
  }
}
