package dev.quire.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchNative;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.PaddedAttention;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeProperty;

/** The differentiable attention against the model's fused one: same values, and gradients. */
class EagerAttentionTest {

  private Qwen3VLConfig.Text config;

  @BeforeProperty
  void init() throws IOException {
    TorchRuntime.init();
    config = Qwen3VLConfig.read(Fixtures.path("colqwen3-tiny-128")).text();
  }

  @Property(tries = 20)
  void equalsTheFusedAttentionOnPackedSequences(
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 40) Integer> lengths,
      @ForAll @IntRange(min = 1, max = 4) int kvHeads, @ForAll @IntRange(min = 1, max = 3) int groups,
      @ForAll @IntRange(min = 1, max = 24) int halfHeadDim, @ForAll boolean scaled,
      @ForAll @IntRange(min = 1, max = 1000) int seed) {
    // a decoder of another shape than the fixture's: heads sharing a key/value head 1 to 3 ways
    Qwen3VLConfig.Text shape = new Qwen3VLConfig.Text(64, 64, 1, kvHeads * groups, kvHeads,
        2 * halfHeadDim, 1e-6, 1e4, new int[] {halfHeadDim, 0, 0}, 100, 128);
    float scale = scaled ? (float) (1 / Math.sqrt(2 * halfHeadDim)) : 1f;
    int[] packed = lengths.stream().mapToInt(Integer::intValue).toArray();
    int rows = lengths.stream().mapToInt(Integer::intValue).sum();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(seed);
      NDArray q = manager.randomNormal(new Shape(rows, shape.heads(), shape.headDim()));
      NDArray k = manager.randomNormal(new Shape(rows, shape.kvHeads(), shape.headDim()));
      NDArray v = manager.randomNormal(new Shape(rows, shape.kvHeads(), shape.headDim()));
      NDArray fused = PaddedAttention.causal(packed, shape, manager, DataType.FLOAT32)
          .attend(0, q, k, v, scale);
      NDArray eager = EagerAttention.causal(packed, shape, manager, DataType.FLOAT32)
          .attend(0, q, k, v, scale);
      assertThat(eager.getShape()).isEqualTo(fused.getShape());
      assertThat(eager.sub(fused).abs().max().getFloat()).isLessThan(1e-5f);
    }
  }

  @Property(tries = 5)
  void givesGradientsWhereTheFusedModuleGivesNone(
      @ForAll @IntRange(min = 2, max = 20) int length, @ForAll @IntRange(min = 1, max = 1000) int seed) {
    int[] packed = {length, length + 3};
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      manager.getEngine().setRandomSeed(seed);
      NDArray q = manager.randomNormal(new Shape(2L * length + 3, config.heads(), config.headDim()));
      NDArray k = manager.randomNormal(new Shape(2L * length + 3, config.kvHeads(), config.headDim()));
      NDArray v = manager.randomNormal(new Shape(2L * length + 3, config.kvHeads(), config.headDim()));
      for (NDArray input : List.of(q, k, v)) {
        input.setRequiresGradient(true);
      }
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        // DJL runs the TorchScript module outside autograd: its output is cut from the graph
        NDArray fused = TorchNative.attention(q, q, q, null, 1f);
        assertThat(fused.hasGradient()).as("fused attention output in the autograd graph").isFalse();

        NDArray eager = EagerAttention.causal(packed, config, manager, DataType.FLOAT32)
            .attend(0, q, k, v, 1f);
        // a loss on the first sequence's outputs only
        NDArray weights = manager.randomNormal(eager.getShape())
            .mul(manager.arange(2 * length + 3).lt(length).toType(DataType.FLOAT32, false)
                .expandDims(1));
        collector.backward(eager.mul(weights).sum());
      }
      for (NDArray input : List.of(q, k, v)) {
        NDArray gradient = input.getGradient();
        assertThat(gradient.get(":{}", length).abs().sum().getFloat()).isPositive();
        // nothing crosses from one packed sequence to the other
        assertThat(gradient.get("{}:", length).abs().sum().getFloat()).isZero();
      }
    }
  }
}
