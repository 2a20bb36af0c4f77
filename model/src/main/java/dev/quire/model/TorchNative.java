package dev.quire.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The only class that reaches past DJL's engine-neutral API into its PyTorch engine, for the two
 * things DJL 0.35.1 does not offer: PyTorch's fused {@code scaled_dot_product_attention} and the
 * intra-op thread count after the engine has started. Attention is called through a weightless
 * TorchScript module kept in the resources ({@code tools/reference/make_sdpa.py} writes it): it
 * is what the reference runs, and it never materialises the score matrix
 * (tools/reference/bench_encoder.py measures the encoder against the reference).
 */
public final class TorchNative {
  private static final String RESOURCE = "sdpa.pt";

  /** Loaded once per process; the module holds no tensors, so its manager lives as long. */
  private static final PtSymbolBlock MODULE = load();

  private TorchNative() {}

  private static PtSymbolBlock load() {
    try (InputStream in = TorchNative.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the model jar");
      }
      NDManager manager = NDManager.newBaseManager("PyTorch");
      return JniUtils.loadModule((PtNDManager) manager, in, false, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the fused attention module " + RESOURCE, e);
    }
  }

  /**
   * {@code softmax(q k^T * scale + mask) v} over [..., rows, headDim] queries and [..., length,
   * headDim] keys and values; the additive mask (broadcast to [..., rows, length]) may be null.
   * The result belongs to {@code q}'s manager.
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
    IValue[] args =
        mask == null
            ? new IValue[] {tensor(q), tensor(k), tensor(v), IValue.from((double) scale)}
            : new IValue[] {tensor(q), tensor(k), tensor(v), tensor(mask.toType(q.getDataType(), false)),
              IValue.from((double) scale)};
    IValue out = null;
    try {
      out = mask == null ? IValueUtils.forward(MODULE, args) : IValueUtils.runMethod(MODULE, "masked", args);
      return out.toTensor((PtNDManager) q.getManager());
    } finally {
      for (IValue arg : args) {
        arg.close();
      }
      if (out != null) {
        out.close();
      }
    }
  }

  static void setThreads(int threads) {
    JniUtils.setNumThreads(threads);
  }

  private static IValue tensor(NDArray array) {
    return IValue.from((PtNDArray) array);
  }
}
