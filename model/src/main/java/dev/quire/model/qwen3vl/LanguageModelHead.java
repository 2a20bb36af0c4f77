package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * The language-model head: token logits {@code hidden W^T} over the vocabulary, W being the
 * checkpoint's {@code lm_head.weight} or, for a checkpoint that ties them, the token embedding
 * table. W is held as row blocks of at most {@link #CHUNK_ROWS} rows, so a head larger than one
 * array can be (an 8B model's 151936 x 4096) loads, and each block is multiplied in turn.
 */
public final class LanguageModelHead {

  /**
   * Rows per block: 32768 rows of a 4096-wide head are 512 MB in float32, under the 1 GB the
   * weight loader allows one array.
   */
  public static final int CHUNK_ROWS = 32768;

  private final List<NDArray> blocks;
  private final long vocabSize;
  private final long hiddenSize;

  LanguageModelHead(List<NDArray> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("a head has at least one row block");
    }
    this.blocks = List.copyOf(blocks);
    long rows = 0;
    for (NDArray block : blocks) {
      rows += block.getShape().get(0);
    }
    this.vocabSize = rows;
    this.hiddenSize = blocks.getFirst().getShape().get(1);
  }

  public long vocabSize() {
    return vocabSize;
  }

  /** How many row blocks the head is held in. */
  public int blocks() {
    return blocks.size();
  }

  /**
   * Logits [rows, vocab] of hidden states [rows, hidden], in float32 (what sampling reads), in
   * {@code hidden}'s manager.
   */
  public NDArray logits(NDArray hidden) {
    if (hidden.getShape().dimension() != 2 || hidden.getShape().get(1) != hiddenSize) {
      throw new IllegalArgumentException("hidden states of shape " + hidden.getShape()
          + " do not fit a head of width " + hiddenSize);
    }
    if (blocks.size() == 1) {
      return Layers.linear(hidden, blocks.getFirst(), null).toType(DataType.FLOAT32, false);
    }
    NDList parts = new NDList(blocks.size());
    for (NDArray block : blocks) {
      parts.add(Layers.linear(hidden, block, null));
    }
    NDArray logits = NDArrays.concat(parts, 1).toType(DataType.FLOAT32, false);
    parts.close();
    return logits;
  }
}
