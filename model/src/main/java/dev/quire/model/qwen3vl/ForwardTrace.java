package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate tensors of a forward pass (the names of the reference goldens:
 * {@code vision.block0}, {@code text.layer1.in}, ...), for parity tests and debugging.
 */
@FunctionalInterface
public interface ForwardTrace {

  ForwardTrace NONE = (name, value) -> {};

  void record(String name, NDArray value);
}
