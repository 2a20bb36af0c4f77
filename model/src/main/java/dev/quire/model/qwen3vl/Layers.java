package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;

/**
 * The building blocks of the Qwen3-VL forward as DJL NDArray operations, each the formula of
 * transformers' modeling_qwen3_vl.py. Every operation is called on an activation first, so its
 * result belongs to the batch's NDManager and never to the weights' manager.
 */
final class Layers {

  private static final float GELU_LINEAR = (float) (2 * Math.sqrt(2 / Math.PI));
  private static final float GELU_CUBIC = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715);

  private Layers() {}

  /** {@code x W^T + b}; b may be null. */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }

  /** RMSNorm over the last axis in float32: {@code w * (x * rsqrt(mean(x^2) + eps))}. */
  static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
    NDArray wide = Casts.to(x, DataType.FLOAT32);
    NDArray variance = wide.square().mean(new int[] {-1}, true);
    NDArray normed = wide.mul(variance.add(eps).pow(LibtorchScalar.of(x.getManager(), -0.5f)));
    return Casts.to(normed, x.getDataType()).mul(weight);
  }

  /** LayerNorm over the last axis. */
  static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
    long size = x.getShape().get(x.getShape().dimension() - 1);
    return LayerNorm.layerNorm(x, new Shape(size), weight, bias, eps).singletonOrThrow();
  }

  /** GELU with the exact erf ({@code nn.GELU()}). */
  static NDArray gelu(NDArray x) {
    return Activation.gelu(x);
  }

  /**
   * {@code gelu_pytorch_tanh}, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, written
   * as {@code x sigmoid(2 sqrt(2/pi) x (1 + 0.044715 x^2))} (the same function, 0.5 (1 + tanh z)
   * being sigmoid(2z)) in six operations instead of nine.
   */
  static NDArray geluTanh(NDArray x) {
    // In place on the temporaries: two tensors of x's size are allocated instead of six.
    NDArray inner = x.mul(x).muli(GELU_CUBIC).addi(GELU_LINEAR).muli(x);
    return Activation.sigmoid(inner).muli(x);
  }

  /** SiLU: {@code x * sigmoid(x)}. */
  static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /** Rows of {@code table} picked by int64 {@code indices} (any shape), as an embedding lookup. */
  static NDArray gatherRows(NDArray indices, NDArray table) {
    return Embedding.embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * Rotary embedding: {@code x cos + rotate_half(x) sin}, rotate_half being {@code [-x2, x1]}
   * over the two halves of the last axis; cos and sin broadcast over the heads axis.
   */
  static NDArray rotary(NDArray x, NDArray cos, NDArray sin) {
    long last = x.getShape().get(x.getShape().dimension() - 1);
    long half = last / 2;
    NDArray first = x.get(new NDIndex("..., :{}", half));
    NDArray second = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = NDArrays.concat(new NDList(second.neg(), first), -1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
