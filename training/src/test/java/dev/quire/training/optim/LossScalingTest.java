package dev.quire.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quire.model.TorchRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic loss scaling against torch.amp.GradScaler on the CPU (tools/reference/grad_scaler_goldens.py):
 * ten steps over two parameters whose gradients are known, two of them overflowing once scaled;
 * each step's scale, whether the optimiser ran, and the parameters after it (AdamW, clipping at 1).
 */
class LossScalingTest {

  private static JsonNode goldens;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws IOException {
    TorchRuntime.init();
    try (InputStream in = LossScalingTest.class.getResourceAsStream("/dev/quire/training/optim/grad-scaler-goldens.json")) {
      goldens = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(in);
    }
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  private record Setup(NDManager manager, NDArray p, NDArray q, AdamW adamW, Trainer trainer) implements AutoCloseable {
    @Override
    public void close() {
      adamW.close();
      manager.close();
    }
  }

  private static Setup setup() {
    NDManager manager = NDManager.newBaseManager("PyTorch");
    NDArray p = manager.ones(new Shape(3)).duplicate();
    NDArray q = manager.ones(new Shape(2)).duplicate();
    p.setRequiresGradient(true);
    q.setRequiresGradient(true);
    SequencedMap<String, NDArray> parameters = new LinkedHashMap<>();
    parameters.put("p", p);
    parameters.put("q", q);
    AdamW adamW = new AdamW(parameters, AdamW.Hyperparameters.torchDefaults().withWeightDecay(goldens.get("weight_decay").asDouble()),
        manager);
    Trainer.LossScaling scaling = new Trainer.LossScaling(goldens.get("init_scale").asDouble(),
        goldens.get("growth_factor").asDouble(), goldens.get("backoff_factor").asDouble(), goldens.get("growth_interval").asInt());
    Trainer trainer = new Trainer(List.of(p, q), adamW, new LearningRateSchedule.Constant(goldens.get("lr").asDouble()),
        new Trainer.Config(goldens.get("max_grad_norm").asDouble(), scaling), manager);
    return new Setup(manager, p, q, adamW, trainer);
  }

  private static Trainer.StepReport step(Setup setup, JsonNode golden) {
    float[] c = floats(golden.get("c"));
    float[] d = floats(golden.get("d"));
    return setup.trainer().step(List.of(manager -> setup.p().mul(manager.create(c).duplicate()).sum()
        .add(setup.q().mul(manager.create(d).duplicate()).sum())));
  }

  @Test
  void scalesSkipsAndGrowsAsGradScaler() {
    int skipped = 0;
    try (Setup setup = setup()) {
      for (JsonNode golden : goldens.get("steps")) {
        double scaleBefore = setup.trainer().lossScale();
        Trainer.StepReport report = step(setup, golden);
        String at = "step " + golden.get("step").asInt();
        assertThat(scaleBefore).as(at).isEqualTo(golden.get("scale").asDouble());
        assertThat(report.lossScale()).as(at).isEqualTo(scaleBefore);
        assertThat(report.skipped()).as(at).isEqualTo(!golden.get("ran").asBoolean());
        skipped += report.skipped() ? 1 : 0;
        if (!report.skipped()) {
          assertThat(report.gradNorm()).as(at).isCloseTo(golden.get("grad_norm").asDouble(),
              org.assertj.core.data.Offset.offset(1e-5 * golden.get("grad_norm").asDouble()));
        }
        assertThat(setup.p().toFloatArray()).as(at).usingComparatorWithPrecision(1e-6f).containsExactly(floats(golden.get("p")));
        assertThat(setup.q().toFloatArray()).as(at).usingComparatorWithPrecision(1e-6f).containsExactly(floats(golden.get("q")));
      }
    }
    assertThat(skipped).isEqualTo(2);
  }

  @Test
  void theScaleAndTheSchedulesPositionSurviveARestart() throws IOException {
    List<JsonNode> steps = new java.util.ArrayList<>();
    goldens.get("steps").forEach(steps::add);
    try (Setup first = setup()) {
      for (JsonNode golden : steps.subList(0, 7)) {   // through the second overflow: scale 8, tracker 0
        step(first, golden);
      }
      first.trainer().save(dir);
      try (Setup second = setup()) {
        second.p().set(new ai.djl.ndarray.index.NDIndex("..."), first.p());
        second.q().set(new ai.djl.ndarray.index.NDIndex("..."), first.q());
        second.trainer().restore(dir);
        assertThat(second.trainer().lossScale()).isEqualTo(8.0);
        assertThat(second.trainer().completedSteps()).isEqualTo(7);
        for (JsonNode golden : steps.subList(7, 10)) {
          step(second, golden);
          assertThat(second.p().toFloatArray()).usingComparatorWithPrecision(1e-6f).containsExactly(floats(golden.get("p")));
        }
      }
    }
  }
}
