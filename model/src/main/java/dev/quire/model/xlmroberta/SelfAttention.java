package dev.quire.model.xlmroberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.quire.model.TorchNative;

/**
 * {@code XLMRobertaAttention}: multi-head self-attention with biased query, key and value (fused
 * into one product), padded keys masked out, then the output projection, the residual and a
 * LayerNorm (post-norm).
 */
final class SelfAttention {

  private final XlmRobertaConfig config;
  private final NDArray qkvWeight;
  private final NDArray qkvBias;
  private final NDArray outWeight;
  private final NDArray outBias;
  private final NDArray normWeight;
  private final NDArray normBias;

  SelfAttention(XlmRobertaConfig config, Weights weights, String prefix) {
    this.config = config;
    long h = config.hiddenSize();
    String self = prefix + "attention.self.";
    NDArray q = weights.load(self + "query.weight", h, h);
    NDArray k = weights.load(self + "key.weight", h, h);
    NDArray v = weights.load(self + "value.weight", h, h);
    this.qkvWeight = q.concat(k, 0).concat(v, 0);
    this.qkvBias = weights.load(self + "query.bias", h).concat(weights.load(self + "key.bias", h), 0)
        .concat(weights.load(self + "value.bias", h), 0);
    String out = prefix + "attention.output.";
    this.outWeight = weights.load(out + "dense.weight", h, h);
    this.outBias = weights.load(out + "dense.bias", h);
    this.normWeight = weights.load(out + "LayerNorm.weight", h);
    this.normBias = weights.load(out + "LayerNorm.bias", h);
  }

  /** x [batch, length, hidden]; mask [batch, 1, 1, length], 0 for a token, -inf-like for a pad. */
  NDArray forward(NDArray x, NDArray mask) {
    Shape shape = x.getShape();
    long b = shape.get(0);
    long t = shape.get(1);
    long heads = config.heads();
    long d = config.headDim();
    NDArray qkv = Linear.linear(x, qkvWeight, qkvBias).singletonOrThrow()
        .reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4); // [3, b, heads, t, d]
    NDArray context = TorchNative.attention(qkv.get(0), qkv.get(1), qkv.get(2), mask,
        (float) (1 / Math.sqrt(d)));
    NDArray merged = context.transpose(0, 2, 1, 3).reshape(b, t, config.hiddenSize());
    NDArray projected = Linear.linear(merged, outWeight, outBias).singletonOrThrow();
    return LayerNorm.layerNorm(projected.add(x), new Shape(config.hiddenSize()), normWeight,
        normBias, (float) config.layerNormEps()).singletonOrThrow();
  }
}
