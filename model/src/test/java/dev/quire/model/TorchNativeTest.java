package dev.quire.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The fused attention module against the formula it computes, on awkward shapes. */
class TorchNativeTest {

  @Property(tries = 30)
  void matchesMatmulSoftmaxMatmul(
      @ForAll @IntRange(min = 1, max = 3) int batch,
      @ForAll @IntRange(min = 1, max = 5) int heads,
      @ForAll @IntRange(min = 1, max = 70) int rows,
      @ForAll @IntRange(min = 1, max = 70) int length,
      @ForAll @IntRange(min = 1, max = 40) int headDim,
      @ForAll boolean masked,
      @ForAll @IntRange(min = 1, max = 1000) int seed) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(seed);
      NDArray q = manager.randomNormal(new Shape(batch, heads, rows, headDim));
      NDArray k = manager.randomNormal(new Shape(batch, heads, length, headDim));
      NDArray v = manager.randomNormal(new Shape(batch, heads, length, headDim));
      // A causal-style additive mask over the keys, broadcast over the heads; key 0 stays visible.
      NDArray mask = null;
      if (masked) {
        float[] values = new float[batch * rows * length];
        for (int b = 0; b < batch; b++) {
          for (int r = 0; r < rows; r++) {
            for (int c = 1; c < length; c++) {
              if ((c + r + b) % 3 == 0) {
                values[(b * rows + r) * length + c] = Float.NEGATIVE_INFINITY;
              }
            }
          }
        }
        mask = manager.create(values, new Shape(batch, 1, rows, length));
      }
      float scale = (float) (1 / Math.sqrt(headDim));

      NDArray scores = q.mul(scale).matMul(k.swapAxes(2, 3));
      NDArray expected = (mask == null ? scores : scores.add(mask)).softmax(-1).matMul(v);
      NDArray fused = TorchNative.attention(q, k, v, mask, scale);

      assertThat(fused.getShape()).isEqualTo(expected.getShape());
      assertThat(fused.sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
    }
  }
}
