package dev.quire.training.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.training.EagerAttention;
import dev.quire.training.FreshAdapter;
import dev.quire.training.LoraConfig;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.TrainableColQwen3.Pass;
import dev.quire.training.data.PageRef;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient checkpointing per decoder layer gives the gradients of the plain backward pass: every
 * LoRA matrix of the model fixtures' adapter (B non-zero, colpali's regex over the decoder and the
 * head) under ColbertLoss over three text queries and three page images (DeepStack rows included),
 * and with dropout on, the recomputed layers draw the first pass's masks.
 */
class GradientCheckpointingTest {

  private static final Path CHECKPOINT = Fixtures.path("colqwen3-tiny-128");
  private static final LateInteractionLoss LOSS = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert());
  private static List<Qwen3VLModel.Sequence> queries;
  private static List<Qwen3VLModel.Sequence> pages;

  @TempDir static Path dir;

  @BeforeAll
  static void inputs() throws IOException {
    TorchRuntime.init();
    try (ModelInputs inputs = ModelInputs.open(CHECKPOINT)) {
      queries = List.of(inputs.query("quarterly revenue by region"), inputs.query("a tall scanned page"),
          inputs.query("the icon"));
      pages = new ArrayList<>();
      for (String image : List.of("wide_slide", "tall_page", "tiny_icon")) {
        pages.add(inputs.page(new PageRef.FilePage(Fixtures.path("images/" + image + ".png"), 1)));
      }
    }
  }

  private record Pass1(float loss, Map<String, float[]> gradients, double drift) {}

  private static Pass1 backward(TrainableColQwen3 model, Pass pass, int seed) {
    model.zeroGradients();
    Engine.getEngine("PyTorch").setRandomSeed(seed);
    try (NDManager step = model.backbone().manager().newSubManager();
        GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray loss = LOSS.loss(ContrastiveBatch.inBatch(model.embed(step, queries, pass), model.embed(step, pages, pass)));
      float value = loss.getFloat();
      collector.backward(loss);
      double drift = model.backwardThroughCheckpoints();
      Map<String, float[]> gradients = new LinkedHashMap<>();
      model.parameters().forEach((key, matrix) -> {
        try (NDArray gradient = matrix.getGradient()) {
          gradients.put(key, gradient.toFloatArray());
        }
      });
      return new Pass1(value, gradients, drift);
    }
  }

  private static double worstRelative(Map<String, float[]> actual, Map<String, float[]> expected) {
    double worst = 0;
    for (var entry : expected.entrySet()) {
      float[] a = actual.get(entry.getKey());
      float[] b = entry.getValue();
      double diff = 0;
      double scale = 0;
      for (int i = 0; i < b.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(b[i]));
      }
      worst = Math.max(worst, scale == 0 ? diff : diff / scale);
    }
    return worst;
  }

  @Test
  void checkpointedGradientsEqualThePlainOnes() throws IOException {
    try (TrainableColQwen3 model = TrainableColQwen3.load(CHECKPOINT, Fixtures.path("colqwen3-tiny-128-lora"),
        Device.cpu(), EagerAttention::causal)) {
      Pass1 plain = backward(model, Pass.EVALUATION, 1);
      model.gradientCheckpointing(true);
      model.verifyRecomputation(true);
      Pass1 checkpointed = backward(model, Pass.EVALUATION, 1);
      assertThat(checkpointed.loss()).isCloseTo(plain.loss(), org.assertj.core.data.Offset.offset(1e-6f));
      assertThat(plain.gradients()).hasSize(58);
      double worst = worstRelative(checkpointed.gradients(), plain.gradients());
      System.out.printf("gradient checkpointing: worst LoRA gradient difference %.2e relative%n", worst);
      assertThat(worst).isLessThan(1e-5);
      // every matrix got a gradient, the first layer's included
      assertThat(checkpointed.gradients().values()).allSatisfy(g -> assertThat(maxAbs(g)).isPositive());
      assertThat(checkpointed.drift()).isZero();

      // a backward pass not carried on through the layers stops at the last one's output: the check can fail
      model.zeroGradients();
      try (NDManager step = model.backbone().manager().newSubManager();
          GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(LOSS.loss(ContrastiveBatch.inBatch(model.embed(step, queries), model.embed(step, pages))));
        Map<String, float[]> cut = new LinkedHashMap<>();
        model.parameters().forEach((key, matrix) -> {
          try (NDArray gradient = matrix.getGradient()) {
            cut.put(key, gradient.toFloatArray());
          }
        });
        assertThat(worstRelative(cut, plain.gradients())).isGreaterThan(0.5);
        model.backwardThroughCheckpoints();
      }
    }
  }

  @Test
  void theRecomputedLayersDrawTheFirstPassesDropoutMasks() throws IOException {
    try (TrainableColQwen3 model = TrainableColQwen3.load(CHECKPOINT, Fixtures.path("colqwen3-tiny-128-lora"),
        Device.cpu(), EagerAttention::causal)) {
      assertThat(model.dropout()).isEqualTo(0.1f);
      model.gradientCheckpointing(true);
      model.verifyRecomputation(true);
      Pass1 first = backward(model, Pass.TRAINING, 7);
      Pass1 again = backward(model, Pass.TRAINING, 7);
      Pass1 other = backward(model, Pass.TRAINING, 8);
      Pass1 noDropout = backward(model, Pass.EVALUATION, 7);
      assertThat(first.drift()).isZero();
      assertThat(other.drift()).isZero();
      assertThat(again.gradients()).containsExactlyEntriesOf(first.gradients());
      // dropout is on: another seed, other masks, another loss
      assertThat(other.loss()).isNotEqualTo(first.loss());
      assertThat(noDropout.loss()).isNotEqualTo(first.loss());
    }
  }

  @Test
  void anAdapterOnTheVisionTowerIsRefused() throws IOException {
    Path adapter = dir.resolve("vision-adapter");
    FreshAdapter.write(CHECKPOINT, new LoraConfig(2, 2, 0, false,
        new LoraConfig.Targets.Names(List.of("qkv", "q_proj")), LoraConfig.Init.GAUSSIAN), 3, adapter);
    try (TrainableColQwen3 model = TrainableColQwen3.load(CHECKPOINT, adapter, Device.cpu(), EagerAttention::causal)) {
      assertThatThrownBy(() -> model.gradientCheckpointing(true))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vision tower");
    }
  }

  private static float maxAbs(float[] values) {
    float max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
