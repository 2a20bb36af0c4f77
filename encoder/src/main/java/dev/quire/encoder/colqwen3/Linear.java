package dev.quire.encoder.colqwen3;

import ai.djl.ndarray.NDArray;

/**
 * A linear layer {@code x W^T + b}, possibly several checkpoint modules fused along the output
 * (q, k and v; gate and up) so one matrix product serves them all. An unmerged LoRA adapter adds
 * {@code (x A^T) B^T}, with the modules' A stacked and their scaled B laid block-diagonally.
 */
record Linear(NDArray weight, NDArray bias, NDArray loraA, NDArray loraB) {

  NDArray apply(NDArray x) {
    NDArray y = Layers.linear(x, weight, bias);
    if (loraA != null) {
      y = y.add(Layers.linear(Layers.linear(x, loraA, null), loraB, null));
    }
    return y;
  }
}
