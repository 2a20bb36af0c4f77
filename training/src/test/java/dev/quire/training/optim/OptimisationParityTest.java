package dev.quire.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.training.EagerAttention;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three optimiser steps against PEFT + torch (tools/reference/training_goldens.py --only optimiser):
 * the tiny 128-d ColQwen3 with the model fixtures' adapter, ColbertLoss, two micro-batches a step,
 * AdamW with weight decay, a linear schedule with warm-up or a cosine one, clipping that clips step 2.
 * Every LoRA matrix after steps 1 and 3 within 1e-4 relative, the learning rate and pre-clip norm of
 * each step, the micro-batch losses.
 */
class OptimisationParityTest {

  private static final double WEIGHT_TOLERANCE = 1e-4;
  private static Path folder;
  private static JsonNode goldens;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    TorchRuntime.init();
    folder = Path.of(OptimisationParityTest.class
        .getResource("/dev/quire/training/optim/optim-goldens.json").toURI()).getParent();
    goldens = new ObjectMapper().readTree(folder.resolve("optim-goldens.json").toFile());
  }

  static List<String> runs() throws IOException, URISyntaxException {
    load();
    List<String> names = new ArrayList<>();
    goldens.get("runs").forEach(r -> names.add(r.get("name").asText()));
    return names;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void threeStepsMatchTorch(String name) throws IOException {
    JsonNode run = null;
    for (JsonNode r : goldens.get("runs")) {
      run = r.get("name").asText().equals(name) ? r : run;
    }
    double peak = run.get("lr").asDouble();
    long warmup = run.get("warmup_steps").asLong();
    long total = run.get("training_steps").asLong();
    LearningRateSchedule schedule = switch (run.get("schedule").asText()) {
      case "linear" -> new LearningRateSchedule.LinearWithWarmup(peak, warmup, total);
      case "cosine" -> new LearningRateSchedule.CosineWithWarmup(peak, warmup, total);
      default -> throw new IllegalArgumentException(run.get("schedule").asText());
    };
    int accumulation = run.get("accumulation").asInt();
    LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert());
    try (SafetensorsFile file = SafetensorsFile.open(folder.resolve("optim-goldens.safetensors"));
        TrainableColQwen3 model = TrainableColQwen3.load(Fixtures.path("colqwen3-tiny-128"),
            Fixtures.path("colqwen3-tiny-128-lora"), Device.cpu(), EagerAttention::causal)) {
      assertThat(model.adapters()).hasSize(run.get("lora_modules").asInt());
      Map<String, NDArray> byKey = model.parameters();
      List<NDArray> parameters = List.copyOf(byKey.values());
      Map<String, float[]> initial = new HashMap<>();
      byKey.forEach((key, matrix) -> initial.put(key, matrix.toFloatArray()));
      AdamW.Hyperparameters hyper = AdamW.Hyperparameters.torchDefaults()
          .withWeightDecay(run.get("weight_decay").asDouble());
      try (AdamW optimizer = new AdamW(model.parameters(), hyper, model.backbone().manager())) {
        Trainer trainer = new Trainer(parameters, optimizer, schedule,
            new Trainer.Config(run.get("max_grad_norm").asDouble()), model.backbone().manager());
        double worstWeight = 0;
        double worstUpdate = 0;
        for (int step = 0; step < 3; step++) {
          List<Trainer.MicroBatch> microBatches = microBatches(file, model, loss, step, accumulation);
          Trainer.StepReport report = trainer.step(microBatches);
          JsonNode expected = run.get("steps").get(step);
          System.out.printf("%s step %d: lr %.8g (torch %.8g), grad norm %.7f (torch %.7f), losses %s (torch %s)%n",
              name, report.step(), report.learningRate(), expected.get("lr").asDouble(), report.gradNorm(),
              expected.get("grad_norm").asDouble(), report.losses(), expected.get("losses"));
          assertThat(report.step()).isEqualTo(step + 1);
          assertThat(report.learningRate()).isCloseTo(expected.get("lr").asDouble(),
              Offset.offset(1e-12));
          assertThat(relative(report.gradNorm(), expected.get("grad_norm").asDouble())).as("grad norm")
              .isLessThan(5e-6);
          for (int m = 0; m < accumulation; m++) {
            assertThat(relative(report.losses().get(m), expected.get("losses").get(m).asDouble()))
                .as("loss of micro-batch " + m).isLessThan(1e-4);
          }
          if (step == 0 || step == 2) {
            Map<String, Double> errors = new TreeMap<>();
            for (var entry : byKey.entrySet()) {
              float[] torch = file.tensor(name + ".step" + (step + 1) + "." + entry.getKey()).toFloatArray();
              float[] java = entry.getValue().toFloatArray();
              errors.put(entry.getKey(), relativeError(java, torch));
              worstUpdate = Math.max(worstUpdate, updateError(initial.get(entry.getKey()), java, torch));
            }
            assertThat(errors).hasSize(2 * run.get("lora_modules").asInt());
            double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            worstWeight = Math.max(worstWeight, worst);
            int after = step + 1;
            assertThat(errors).allSatisfy((what, error) ->
                assertThat(error).as(what + " after step " + after).isLessThan(WEIGHT_TOLERANCE));
          }
        }
        System.out.printf("%s: worst weight %.3g relative, worst update (w - w0) %.3g relative%n",
            name, worstWeight, worstUpdate);
        // the steps moved the weights (a step at rate 0 would pass the comparison trivially)
        assertThat(worstChange(byKey, initial)).isGreaterThan(1e-4);
        boolean clipped = false;
        for (JsonNode s : run.get("steps")) {
          clipped |= s.get("clipped").asBoolean();
        }
        assertThat(clipped).as("some step clips").isTrue();
      }
    }
  }

  /** Step {@code step}'s micro-batches of the goldens (batch{step x accumulation + m}), under ColbertLoss. */
  static List<Trainer.MicroBatch> microBatches(SafetensorsFile file, TrainableColQwen3 model,
      LateInteractionLoss loss, int step, int accumulation) throws IOException {
    List<Trainer.MicroBatch> microBatches = new ArrayList<>();
    for (int m = 0; m < accumulation; m++) {
      String stem = "batch" + (step * accumulation + m);
      List<Qwen3VLModel.Sequence> queries = sequences(file, stem + ".query");
      List<Qwen3VLModel.Sequence> documents = sequences(file, stem + ".document");
      microBatches.add(manager -> {
        NDArray value = loss.loss(ContrastiveBatch.inBatch(model.embed(manager, queries),
            model.embed(manager, documents)));
        System.gc(); // any Java buffer autograd kept would be freed now: caught by the comparison
        return value;
      });
    }
    return microBatches;
  }

  private static List<Qwen3VLModel.Sequence> sequences(SafetensorsFile file, String stem) throws IOException {
    List<Qwen3VLModel.Sequence> sequences = new ArrayList<>();
    for (int i = 0; file.tensors().containsKey(stem + i + ".input_ids"); i++) {
      long[] ids = file.tensor(stem + i + ".input_ids").toLongArray();
      int[] tokens = new int[ids.length];
      for (int t = 0; t < ids.length; t++) {
        tokens[t] = Math.toIntExact(ids[t]);
      }
      sequences.add(new Qwen3VLModel.Sequence(tokens, List.of()));
    }
    assertThat(sequences).isNotEmpty();
    return sequences;
  }

  private static double relative(double actual, double expected) {
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  /** max |a - b| / max |b|, as the gradient parity tests measure. */
  static double relativeError(float[] actual, float[] expected) {
    double scale = 0;
    double gap = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      gap = Math.max(gap, Math.abs(actual[i] - expected[i]));
    }
    return scale == 0 ? gap : gap / scale;
  }

  /** The same measure on what the steps changed, w - w0: far stricter than on the weights. */
  private static double updateError(float[] initial, float[] actual, float[] expected) {
    float[] a = new float[initial.length];
    float[] e = new float[initial.length];
    for (int i = 0; i < initial.length; i++) {
      a[i] = actual[i] - initial[i];
      e[i] = expected[i] - initial[i];
    }
    return relativeError(a, e);
  }

  private static double worstChange(Map<String, NDArray> byKey, Map<String, float[]> initial) {
    double worst = 0;
    for (var entry : byKey.entrySet()) {
      float[] now = entry.getValue().toFloatArray();
      float[] before = initial.get(entry.getKey());
      for (int i = 0; i < now.length; i++) {
        worst = Math.max(worst, Math.abs(now[i] - before[i]));
      }
    }
    return worst;
  }
}
