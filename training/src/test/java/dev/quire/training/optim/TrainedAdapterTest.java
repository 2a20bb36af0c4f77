package dev.quire.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.training.EagerAttention;
import dev.quire.training.FreshAdapter;
import dev.quire.training.LoraConfig;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter trained in Java and saved in PEFT's layout: a fresh adapter (seeded) on the tiny
 * 128-d fixture, three AdamW steps over the optimisation goldens' micro-batches, then
 * {@link TrainableColQwen3#saveAdapter}. The result must equal the committed copy
 * ({@code trained/colqwen3-tiny-128-trained}), which {@code tools/reference/trained_adapter_goldens.py}
 * loads with PEFT to write the embedding goldens the encoder's {@code TrainedAdapterParityTest}
 * checks. Run with {@code -Dquire.writeTrainedAdapter=true} to rewrite the committed copy (then
 * rerun the script).
 */
class TrainedAdapterTest {

  static final String NAME = "colqwen3-tiny-128-trained";
  static final LoraConfig LORA = new LoraConfig(4, 8, 0.0, false,
      new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS), LoraConfig.Init.GAUSSIAN);
  static final long SEED = 29;
  static final int STEPS = 3;
  static final int ACCUMULATION = 2;

  @Test
  void trainedAdapterIsSavedInPeftLayoutAsCommitted(@TempDir Path dir) throws Exception {
    TorchRuntime.init();
    Path checkpoint = Fixtures.path("colqwen3-tiny-128");
    Path fresh = dir.resolve("fresh");
    FreshAdapter.write(checkpoint, LORA, SEED, fresh);
    Path trained = dir.resolve(NAME);
    Path goldens = Path.of(getClass().getResource("/dev/quire/training/optim/optim-goldens.safetensors").toURI());
    LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert());
    try (TrainableColQwen3 model = TrainableColQwen3.load(checkpoint, fresh, Device.cpu(), EagerAttention::causal);
        AdamW adamW = new AdamW(model.parameters(),
            AdamW.Hyperparameters.torchDefaults().withWeightDecay(0.01), model.backbone().manager());
        SafetensorsFile batches = SafetensorsFile.open(goldens)) {
      // a large constant rate so that three steps move B (zero when fresh) well away from zero
      Trainer trainer = new Trainer(List.copyOf(model.parameters().values()), adamW,
          new LearningRateSchedule.LinearWithWarmup(2e-2, 0, 1_000), new Trainer.Config(1.0),
          model.backbone().manager());
      for (int step = 0; step < STEPS; step++) {
        trainer.step(OptimisationParityTest.microBatches(batches, model, loss, step, ACCUMULATION));
      }
      model.saveAdapter(trained);
    }

    Path committed = Path.of("src/test/resources/dev/quire/training/trained").resolve(NAME);
    if (Boolean.getBoolean("quire.writeTrainedAdapter")) {
      Files.createDirectories(committed);
      for (String file : List.of("adapter_config.json", "adapter_model.safetensors")) {
        Files.copy(trained.resolve(file), committed.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }

    ObjectMapper json = new ObjectMapper();
    JsonNode config = json.readTree(trained.resolve("adapter_config.json").toFile());
    // PEFT's fields as PEFT 0.20 saves them for colpali's ColQwen3 (the model fixtures' adapter, written by PEFT)
    JsonNode peftWritten = json.readTree(Fixtures.path("colqwen3-tiny-128-lora").resolve("adapter_config.json").toFile());
    assertThat(iterable(config.fieldNames())).containsExactlyElementsOf(iterable(peftWritten.fieldNames()));
    assertThat(config.get("inference_mode").asBoolean()).isTrue();
    assertThat(config.get("r").asInt()).isEqualTo(4);
    assertThat(config.get("lora_alpha").isIntegralNumber()).isTrue();
    assertThat(config).isEqualTo(json.readTree(committed.resolve("adapter_config.json").toFile()));

    try (SafetensorsFile saved = SafetensorsFile.open(trained.resolve("adapter_model.safetensors"));
        SafetensorsFile expected = SafetensorsFile.open(committed.resolve("adapter_model.safetensors"));
        SafetensorsFile peft = SafetensorsFile.open(Fixtures.path("colqwen3-tiny-128-lora").resolve("adapter_model.safetensors"))) {
      // PEFT's key names and shapes: the same 58 matrices PEFT saved for the same targets and rank
      assertThat(saved.tensors().keySet()).containsExactlyInAnyOrderElementsOf(peft.tensors().keySet());
      assertThat(saved.tensors().keySet()).containsExactlyInAnyOrderElementsOf(expected.tensors().keySet());
      double worst = 0;
      double smallestB = Double.MAX_VALUE;
      for (String key : saved.tensors().keySet()) {
        assertThat(saved.tensor(key).dtype()).as(key).isEqualTo(peft.tensor(key).dtype());
        assertThat(saved.tensor(key).shape()).as(key).isEqualTo(peft.tensor(key).shape());
        float[] a = saved.tensor(key).toFloatArray();
        float[] b = expected.tensor(key).toFloatArray();
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
          diff = Math.max(diff, Math.abs(a[i] - b[i]));
          scale = Math.max(scale, Math.abs(b[i]));
        }
        worst = Math.max(worst, diff / scale);
        if (key.endsWith("lora_B.weight")) {
          smallestB = Math.min(smallestB, scale);
        }
      }
      System.out.printf("trained adapter against the committed copy: worst relative difference %.2e, identical bytes %b%n",
          worst, java.util.Arrays.equals(Files.readAllBytes(trained.resolve("adapter_model.safetensors")),
              Files.readAllBytes(committed.resolve("adapter_model.safetensors"))));
      // the same arithmetic on another machine may round differently; the embeddings' 1e-4 is what matters
      assertThat(worst).isLessThan(1e-5);
      assertThat(smallestB).as("every B trained away from its zero start").isGreaterThan(1e-3);
    }
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
