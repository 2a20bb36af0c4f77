package dev.quire.training.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.training.EagerAttention;
import dev.quire.training.LoraConfig;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.TrainableColQwen3.Pass;
import dev.quire.training.data.ExampleOrder;
import dev.quire.training.data.TrainingData;
import dev.quire.training.data.TrainingExample;
import dev.quire.training.data.TrainingSources;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient accumulation: a step of two micro-batches of two consumes the examples at positions
 * 0..3 (its loss is the mean of the two micro-batches' losses there), checkpoints record position
 * 2B a step and the accumulation, a resumed run reproduces the uninterrupted one, and resuming with
 * another accumulation is refused.
 */
class TrainingRunAccumulationTest {

  private static final int BATCH = 2;
  private static final int ACCUMULATION = 2;

  @TempDir static Path dir;
  static TrainingData data;

  @BeforeAll
  static void data() throws IOException {
    TorchRuntime.init();
    data = TrainingSources.synthetic(dir.resolve("corpus"), 3, 7, 0.34);
  }

  private static TrainingRun.Config config(Path out, double dropout, int accumulation) {
    LoraConfig lora = new LoraConfig(4, 8, dropout, false, new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS),
        LoraConfig.Init.GAUSSIAN);
    return new TrainingRun.Config(Fixtures.path("colqwen3-tiny-128"), null, lora, out, 3, BATCH, accumulation, 5e-3, 0,
        TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT, 0, 0.01, 1.0, 13, 1, 0);
  }

  @Test
  void aStepTakesTwoMicroBatchesOfTheOrder() throws IOException {
    Path out = dir.resolve("direct");
    List<TrainingRun.StepRecord> records = new TrainingRun(config(out, 0.0, ACCUMULATION), data, null).run(null, 1);
    assertThat(records).singleElement().satisfies(r -> assertThat(r.examples()).isEqualTo(BATCH * ACCUMULATION));

    ExampleOrder order = new ExampleOrder(data.train().size(), 13);
    LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert());
    double sum = 0;
    try (ModelInputs inputs = ModelInputs.open(Fixtures.path("colqwen3-tiny-128"));
        TrainableColQwen3 model = TrainableColQwen3.load(Fixtures.path("colqwen3-tiny-128"),
            out.resolve("initial-adapter"), Device.cpu(), EagerAttention::causal);
        NDManager manager = model.backbone().manager().newSubManager()) {
      for (int k = 0; k < ACCUMULATION; k++) {
        List<TrainingExample> micro = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
          micro.add(data.train().get(order.at(k * BATCH + i)));
        }
        sum += loss.loss(TrainingRun.Inputs.of(micro, 0, inputs).embed(model, manager, Pass.EVALUATION)).getFloat();
      }
    }
    assertThat(records.getFirst().loss()).isCloseTo(sum / ACCUMULATION, Percentage.withPercentage(1e-3));
  }

  @Test
  void aCheckpointFromBeforeAccumulationReadsAsOneMicroBatchAndNoNegatives() throws IOException {
    Path old = dir.resolve("old-checkpoint");
    Files.createDirectories(old);
    Files.writeString(old.resolve(TrainingRun.STATE_FILE), """
        {"step" : 4, "position" : 8, "seed" : 13, "batchSize" : 2, "steps" : 8, "bestNdcgAt5" : -1.0}
        """);
    TrainingRun.CheckpointState state = TrainingRun.readState(old);
    assertThat(state.gradAccumulation()).isEqualTo(1);
    assertThat(state.negatives()).isZero();
    assertThat(state.position()).isEqualTo(8);
  }

  @Test
  void resumingWithAccumulationReproducesTheUninterruptedRun() throws IOException {
    Path whole = dir.resolve("whole");
    List<TrainingRun.StepRecord> uninterrupted = new TrainingRun(config(whole, 0.1, ACCUMULATION), data, null).run(null);
    TrainingRun.CheckpointState state = TrainingRun.readState(whole.resolve("checkpoint-2"));
    assertThat(state.position()).isEqualTo(2L * BATCH * ACCUMULATION);
    assertThat(state.gradAccumulation()).isEqualTo(ACCUMULATION);
    assertThat(uninterrupted).extracting(TrainingRun.StepRecord::examples).containsOnly(BATCH * ACCUMULATION);

    Path split = dir.resolve("split");
    List<TrainingRun.StepRecord> resumed = new ArrayList<>(
        new TrainingRun(config(split, 0.1, ACCUMULATION), data, null).run(null, 1));
    assertThatThrownBy(() -> new TrainingRun(config(split, 0.1, 1), data, null).run(split))
        .hasMessageContaining("2 micro-batches a step").hasMessageContaining("--grad-accumulation");
    resumed.addAll(new TrainingRun(config(split, 0.1, ACCUMULATION), data, null).run(split));

    assertThat(resumed.stream().map(TrainingRun.StepRecord::loss).toList())
        .containsExactlyElementsOf(uninterrupted.stream().map(TrainingRun.StepRecord::loss).toList());
    assertThat(Files.readAllBytes(split.resolve("checkpoint-3/adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("checkpoint-3/adapter_model.safetensors")));
    // accumulation changes the run: one micro-batch a step of the same examples ends elsewhere
    Path single = dir.resolve("single");
    new TrainingRun(config(single, 0.1, 1), data, null).run(null);
    assertThat(Files.readAllBytes(single.resolve("checkpoint-3/adapter_model.safetensors")))
        .isNotEqualTo(Files.readAllBytes(whole.resolve("checkpoint-3/adapter_model.safetensors")));
  }
}
