package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.TorchRuntime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LoRA dropout: only inside a training pass, only on the low-rank path, as torch's Dropout. */
class LinearDropoutTest {

  private static final int FEATURES = 64;

  @BeforeAll
  static void init() {
    TorchRuntime.init();
  }

  /** W = 0 and A = B = identity, so the layer's output is its LoRA path's (dropped) input. */
  private static Linear identityAdapter(NDManager manager) {
    NDArray identity = manager.eye(FEATURES);
    return new Linear(manager.zeros(new Shape(FEATURES, FEATURES)), null, List.of(
        new Linear.LowRank(new LoraAdapter.Module("m", "m", null, null, 1f), 0, identity, identity)));
  }

  @Test
  void dropsAFractionPOfTheInputAndScalesTheRestInATrainingPass() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(5);
      Linear layer = identityAdapter(manager);
      NDArray x = manager.randomUniform(1f, 2f, new Shape(200, FEATURES)); // no zeros of its own
      float[] input = x.toFloatArray();
      for (float p : new float[] {0.1f, 0.5f}) {
        float[] out = ScopedValue.where(Linear.LORA_DROPOUT, p).call(() -> layer.apply(x)).toFloatArray();
        int zeros = 0;
        for (int i = 0; i < out.length; i++) {
          if (out[i] == 0) {
            zeros++;
          } else {
            assertThat(out[i]).isCloseTo(input[i] / (1 - p), org.assertj.core.data.Offset.offset(1e-5f));
          }
        }
        // 12800 draws: within 4 standard deviations of p
        double sd = Math.sqrt(p * (1 - p) / out.length);
        assertThat((double) zeros / out.length).isBetween(p - 4 * sd, p + 4 * sd);
      }
    }
  }

  @Test
  void outsideATrainingPassTheLayerIsDeterministicAndUndropped() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Linear layer = identityAdapter(manager);
      NDArray x = manager.randomUniform(1f, 2f, new Shape(10, FEATURES));
      assertThat(layer.apply(x).toFloatArray()).containsExactly(x.toFloatArray());
      assertThat(ScopedValue.where(Linear.LORA_DROPOUT, 0f).call(() -> layer.apply(x)).toFloatArray())
          .containsExactly(x.toFloatArray());
    }
  }
}
