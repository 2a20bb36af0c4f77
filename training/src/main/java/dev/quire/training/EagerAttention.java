package dev.quire.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.qwen3vl.Attention;
import dev.quire.model.qwen3vl.LibtorchScalar;
import dev.quire.model.qwen3vl.Qwen3VLConfig;

/**
 * Causal attention within each packed sequence as {@code softmax(q k^T scale + mask) v} in plain
 * NDArray operations (transformers' "eager" attention), for training: the model's
 * {@code PaddedAttention} calls PyTorch's fused attention through a TorchScript module
 * ({@code TorchNative}), and DJL 0.35.1 runs TorchScript modules without autograd, so no
 * gradient reaches the queries, keys and values through it ({@code EagerAttentionTest} checks
 * both). Same values as the fused path; one sequence at a time, each holding its full
 * [heads, n, n] score matrix, which training batches of short sequences afford.
 */
public final class EagerAttention implements Attention {

  private final int[] lengths;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final NDArray[] masks;

  /** For packed sequences of {@code lengths} in a decoder of {@code config}; masks in {@code manager}. */
  public static EagerAttention causal(int[] lengths, Qwen3VLConfig.Text config, NDManager manager,
      DataType dtype) {
    return new EagerAttention(lengths, config.heads(), config.kvHeads(), config.headDim(), manager,
        dtype);
  }

  EagerAttention(int[] lengths, int heads, int kvHeads, int headDim, NDManager manager,
      DataType dtype) {
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads
          + " key/value heads");
    }
    this.lengths = lengths.clone();
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.masks = new NDArray[lengths.length];
    for (int s = 0; s < lengths.length; s++) {
      int n = lengths[s];
      float[] values = new float[n * n];
      for (int r = 0; r < n; r++) {
        for (int c = r + 1; c < n; c++) {
          values[r * n + c] = Float.NEGATIVE_INFINITY;
        }
      }
      masks[s] = manager.create(values, new Shape(n, n)).toType(dtype, false);
    }
  }

  @Override
  public NDArray attend(int layer, NDArray q, NDArray k, NDArray v, float scale) {
    NDList outputs = new NDList();
    int repeats = heads / kvHeads;
    long from = 0;
    for (int s = 0; s < lengths.length; s++) {
      long n = lengths[s];
      NDIndex rows = new NDIndex("{}:{}", from, from + n);
      NDArray queries = q.get(rows).transpose(1, 0, 2); // [heads, n, headDim]
      // query head j reads key/value head j / repeats
      NDArray keys = k.get(rows).transpose(1, 0, 2).repeat(0, repeats);
      NDArray values = v.get(rows).transpose(1, 0, 2).repeat(0, repeats);
      NDArray scores = queries.matMul(keys.transpose(0, 2, 1));
      if (scale != 1f) {
        scores = scores.mul(LibtorchScalar.of(scores.getManager(), scale));
      }
      NDArray out = scores.add(masks[s]).softmax(-1).matMul(values); // [heads, n, headDim]
      outputs.add(out.transpose(1, 0, 2).reshape(n, (long) heads * headDim));
      from += n;
    }
    return outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 0);
  }
}
