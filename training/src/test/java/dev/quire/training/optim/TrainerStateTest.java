package dev.quire.training.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.LoraAdapter;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.training.EagerAttention;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted after two steps (adapter and trainer state saved, a new process's worth of
 * objects loaded from them) takes its third step exactly as the uninterrupted run does; without the
 * restored state it does not.
 */
class TrainerStateTest {

  private static final int ACCUMULATION = 2;
  private static final LearningRateSchedule SCHEDULE = new LearningRateSchedule.LinearWithWarmup(2e-3, 1, 4);
  private static final AdamW.Hyperparameters HYPER = AdamW.Hyperparameters.torchDefaults().withWeightDecay(0.1);
  private static final Trainer.Config CONFIG = new Trainer.Config(80);
  private static final LateInteractionLoss LOSS = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert());
  private static Path goldens;

  @BeforeAll
  static void init() throws Exception {
    TorchRuntime.init();
    goldens = Path.of(TrainerStateTest.class.getResource("/dev/quire/training/optim/optim-goldens.safetensors").toURI());
  }

  private static TrainableColQwen3 load(Path adapter) throws IOException {
    return TrainableColQwen3.load(Fixtures.path("colqwen3-tiny-128"), adapter, Device.cpu(), EagerAttention::causal);
  }

  /** Runs steps [from, to) of the goldens' micro-batches; the weights after them. */
  private static Map<String, float[]> run(TrainableColQwen3 model, Trainer trainer, int from, int to)
      throws IOException {
    try (SafetensorsFile file = SafetensorsFile.open(goldens)) {
      for (int step = from; step < to; step++) {
        trainer.step(OptimisationParityTest.microBatches(file, model, LOSS, step, ACCUMULATION));
      }
    }
    Map<String, float[]> weights = new LinkedHashMap<>();
    model.parameters().forEach((key, matrix) -> weights.put(key, matrix.toFloatArray()));
    return weights;
  }

  @Test
  void savedAndRestoredRunStepsAsTheUninterruptedOne(@TempDir Path dir) throws IOException {
    Map<String, float[]> uninterrupted;
    try (TrainableColQwen3 model = load(Fixtures.path("colqwen3-tiny-128-lora"));
        AdamW adamW = new AdamW(model.parameters(), HYPER, model.backbone().manager())) {
      uninterrupted = run(model, trainer(model, adamW), 0, 3);
    }
    Path checkpoint = dir.resolve("checkpoint-2");
    try (TrainableColQwen3 model = load(Fixtures.path("colqwen3-tiny-128-lora"));
        AdamW adamW = new AdamW(model.parameters(), HYPER, model.backbone().manager())) {
      Trainer trainer = trainer(model, adamW);
      run(model, trainer, 0, 2);
      LoraAdapter.write(checkpoint, new ObjectMapper().readTree(
          Fixtures.path("colqwen3-tiny-128-lora").resolve("adapter_config.json").toFile()), model.adapters());
      trainer.save(checkpoint);
    }
    assertThat(Files.size(checkpoint.resolve(Trainer.STATE_FILE)))
        .isGreaterThan(2 * Files.size(checkpoint.resolve("adapter_model.safetensors")));
    Map<String, float[]> resumed;
    try (TrainableColQwen3 model = load(checkpoint);
        AdamW adamW = new AdamW(model.parameters(), HYPER, model.backbone().manager())) {
      Trainer trainer = trainer(model, adamW);
      trainer.restore(checkpoint);
      assertThat(trainer.completedSteps()).isEqualTo(2);
      assertThat(adamW.steps()).isEqualTo(2);
      resumed = run(model, trainer, 2, 3);
    }
    assertThat(resumed.keySet()).containsExactlyElementsOf(uninterrupted.keySet());
    resumed.forEach((key, weights) -> assertThat(weights).as(key).containsExactly(uninterrupted.get(key)));

    // the same weights without the optimiser's state and the schedule's position step elsewhere
    try (TrainableColQwen3 model = load(checkpoint);
        AdamW adamW = new AdamW(model.parameters(), HYPER, model.backbone().manager())) {
      Map<String, float[]> fresh = run(model, trainer(model, adamW), 2, 3);
      assertThat(fresh.entrySet()).anySatisfy(e ->
          assertThat(e.getValue()).isNotEqualTo(uninterrupted.get(e.getKey())));
    }
  }

  @Test
  void stateOfOtherParametersIsRefused(@TempDir Path dir) throws IOException {
    try (TrainableColQwen3 model = load(Fixtures.path("colqwen3-tiny-128-lora"));
        AdamW adamW = new AdamW(model.parameters(), HYPER, model.backbone().manager())) {
      Trainer trainer = trainer(model, adamW);
      run(model, trainer, 0, 1);
      trainer.save(dir);
      var onlySome = new LinkedHashMap<String, NDArray>();
      model.parameters().entrySet().stream().limit(4).forEach(e -> onlySome.put(e.getKey(), e.getValue()));
      onlySome.put("missing.lora_A.weight", model.adapters().getFirst().a());
      try (AdamW other = new AdamW(onlySome, HYPER, model.backbone().manager())) {
        Trainer wrong = new Trainer(List.copyOf(onlySome.values()), other, SCHEDULE, CONFIG, model.backbone().manager());
        assertThatThrownBy(() -> wrong.restore(dir)).isInstanceOf(IOException.class)
            .hasMessageContaining("missing.lora_A.weight");
      }
    }
  }

  private static Trainer trainer(TrainableColQwen3 model, AdamW adamW) {
    return new Trainer(List.copyOf(model.parameters().values()), adamW, SCHEDULE, CONFIG, model.backbone().manager());
  }
}
