package dev.quire.encoder.colqwen3;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate tensors of a forward pass (the names of the reference goldens:
 * {@code vision.block0}, {@code text.layer1.in}, ...), for parity tests and debugging.
 */
@FunctionalInterface
interface Trace {

  Trace NONE = (name, value) -> {};

  void record(String name, NDArray value);
}
