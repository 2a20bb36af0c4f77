package dev.quire.model.qwen3vl;

import dev.quire.model.safetensors.SafetensorsTensor;

/**
 * The token embedding table, read row by row from the checkpoint's mapping. It is the largest
 * tensor of the model (151936 rows; 2.5 GB as float32 for the 8B model) and a lookup needs only
 * the rows of a batch's tokens, so it never becomes an NDArray: it stays in the page cache in
 * its stored type.
 */
final class TokenEmbeddings {

  private final SafetensorsTensor table;
  private final int rows;
  private final int hidden;

  TokenEmbeddings(SafetensorsTensor table) {
    long[] shape = table.shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException("embedding table " + table + " is not a matrix");
    }
    this.table = table;
    this.rows = Math.toIntExact(shape[0]);
    this.hidden = Math.toIntExact(shape[1]);
  }

  int hidden() {
    return hidden;
  }

  /** Copies the rows of {@code ids} into {@code out}, one after another, widened to float32. */
  void lookup(int[] ids, float[] out) {
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= rows) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the embedding table's " + rows + " rows");
      }
      table.copyFloats((long) id * hidden, hidden, out, i * hidden);
    }
  }
}
