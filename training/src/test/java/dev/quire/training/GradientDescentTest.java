package dev.quire.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.Linear;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gradients drive learning: plain gradient steps on the adapter (an optimiser is milestone 2)
 * lower the in-batch loss on a fixed batch step after step, and touch nothing but the adapter.
 */
class GradientDescentTest {

  @Test
  void stepsAgainstTheGradientLowerTheLoss() throws IOException {
    TorchRuntime.init();
    Random random = new Random(29);
    List<Qwen3VLModel.Sequence> queries = new ArrayList<>();
    List<Qwen3VLModel.Sequence> documents = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      queries.add(new Qwen3VLModel.Sequence(random.ints(3 + i, 0, 1000).toArray(), List.of()));
      documents.add(new Qwen3VLModel.Sequence(random.ints(9 - i, 0, 1000).toArray(), List.of()));
    }
    LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert());
    try (TrainableColQwen3 model = TrainableColQwen3.load(Fixtures.path("colqwen3-tiny-128"),
            Fixtures.path("colqwen3-tiny-128-lora"), Device.cpu(), EagerAttention::causal)) {
      float[] projection = model.backbone().head("custom_text_proj").weight().toFloatArray();
      List<Float> losses = new ArrayList<>();
      for (int step = 0; step < 5; step++) {
        try (NDManager manager = model.backbone().manager().newSubManager()) {
          model.zeroGradients();
          try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray value = loss.loss(ContrastiveBatch.inBatch(model.embed(manager, queries),
                model.embed(manager, documents)));
            losses.add(value.getFloat());
            collector.backward(value);
          }
          for (Linear.LowRank module : model.adapters()) {
            for (NDArray matrix : List.of(module.a(), module.b())) {
              try (NDArray gradient = matrix.getGradient()) {
                matrix.subi(gradient.mul(0.004f));
              }
            }
          }
        }
      }
      System.out.println("loss by step: " + losses);
      for (int step = 1; step < losses.size(); step++) {
        assertThat(losses.get(step)).as("step " + step + " of " + losses).isLessThan(losses.get(step - 1));
      }
      assertThat(losses.getLast()).isLessThan(0.9f * losses.getFirst());
      // the frozen weights stayed as they were
      assertThat(model.backbone().head("custom_text_proj").weight().toFloatArray()).containsExactly(projection);
    }
  }
}
