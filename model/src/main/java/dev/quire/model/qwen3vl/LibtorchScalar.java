package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalars for differentiated operations. Given a Java number ({@code x.mul(0.5f)}), DJL's
 * PyTorch engine makes a 0-d tensor over a Java direct buffer and closes it at once; autograd
 * keeps that tensor to differentiate a product, quotient or power, and once the garbage collector
 * frees the buffer the backward pass reads freed memory: garbage gradients, no error
 * (the training module's {@code LateInteractionLossTest} and {@code LoraGradientTest} collect
 * garbage between the forward and the backward pass to catch it). These live in libtorch's memory
 * instead; the model's RMSNorm power and LoRA scale use them too.
 */
public final class LibtorchScalar {

  private LibtorchScalar() {}

  /** A 0-d float32 tensor of {@code value} in {@code manager}, owned by libtorch. */
  public static NDArray of(NDManager manager, double value) {
    return manager.full(new Shape(), (float) value, DataType.FLOAT32);
  }
}
