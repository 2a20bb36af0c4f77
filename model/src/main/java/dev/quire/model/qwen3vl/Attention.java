package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;

/**
 * Self-attention of a decoder layer over the rows of one forward pass, given to
 * {@link Qwen3VLModel#forward} so the caller decides what the rows attend to: packed sequences
 * each under a causal mask for encoding ({@link PaddedAttention#causal}), a key/value cache for
 * decoding one token at a time.
 */
public interface Attention {

  /**
   * Attention for layer {@code layer} of queries [rows, heads, headDim] over keys and values
   * [rows, kvHeads, headDim] (already normalised and rotated); query head j uses key/value head
   * j / (heads / kvHeads). Returns [rows, heads x headDim]. {@code scale} multiplies the scores
   * (1 when the queries carry it already).
   */
  NDArray attend(int layer, NDArray q, NDArray k, NDArray v, float scale);
}
