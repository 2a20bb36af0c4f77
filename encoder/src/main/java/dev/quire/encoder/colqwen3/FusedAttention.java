package dev.quire.encoder.colqwen3;

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
 * PyTorch's fused {@code scaled_dot_product_attention}, which DJL's JNI does not expose, called
 * through a weightless TorchScript module kept in the resources ({@code tools/reference/make_sdpa.py}
 * writes it). It is what the reference runs, and it never materialises the score matrix
 * (tools/reference/bench_encoder.py measures the encoder against the reference).
 */
final class FusedAttention {
  private static final String RESOURCE = "sdpa.pt";

  /** Loaded once per process; the module holds no tensors, so its manager lives as long. */
  private static final PtSymbolBlock MODULE = load();

  private FusedAttention() {}

  private static PtSymbolBlock load() {
    try (InputStream in = FusedAttention.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the encoder jar");
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
  static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
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

  private static IValue tensor(NDArray array) {
    return IValue.from((PtNDArray) array);
  }
}
