package dev.quire.model.xlmroberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/**
 * {@code XLMRobertaLayer}: self-attention, then the feed-forward block
 * {@code LayerNorm(x + W2 gelu(W1 x + b1) + b2)} with the exact (erf) GELU.
 */
final class EncoderLayer {

  private final XlmRobertaConfig config;
  private final SelfAttention attention;
  private final NDArray upWeight;
  private final NDArray upBias;
  private final NDArray downWeight;
  private final NDArray downBias;
  private final NDArray normWeight;
  private final NDArray normBias;

  EncoderLayer(XlmRobertaConfig config, Weights weights, int index) {
    this.config = config;
    String prefix = "encoder.layer." + index + ".";
    this.attention = new SelfAttention(config, weights, prefix);
    long h = config.hiddenSize();
    long i = config.intermediateSize();
    this.upWeight = weights.load(prefix + "intermediate.dense.weight", i, h);
    this.upBias = weights.load(prefix + "intermediate.dense.bias", i);
    this.downWeight = weights.load(prefix + "output.dense.weight", h, i);
    this.downBias = weights.load(prefix + "output.dense.bias", h);
    this.normWeight = weights.load(prefix + "output.LayerNorm.weight", h);
    this.normBias = weights.load(prefix + "output.LayerNorm.bias", h);
  }

  NDArray forward(NDArray x, NDArray mask) {
    NDArray attended = attention.forward(x, mask);
    NDArray up = Activation.gelu(Linear.linear(attended, upWeight, upBias).singletonOrThrow());
    NDArray down = Linear.linear(up, downWeight, downBias).singletonOrThrow();
    return LayerNorm.layerNorm(down.add(attended), new Shape(config.hiddenSize()), normWeight,
        normBias, (float) config.layerNormEps()).singletonOrThrow();
  }
}
