package dev.quire.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.Linear;
import dev.quire.model.qwen3vl.PaddedAttention;
import dev.quire.model.qwen3vl.ProcessorConfig;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiny ColQwen3 fixture with its PEFT adapter (colpali-engine's target regex, B non-zero):
 * loss and the gradient of every LoRA matrix against PEFT's (tools/reference/training_goldens.py).
 */
class LoraGradientTest {

  private static final double TOLERANCE = 1e-4;
  private static JsonNode goldens;
  private static Path tensors;
  private static TrainableColQwen3 model;
  private static ImageProcessor processor;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    TorchRuntime.init();
    Path folder = Path.of(LoraGradientTest.class
        .getResource("/dev/quire/training/lora/lora-goldens.json").toURI()).getParent();
    goldens = new ObjectMapper().readTree(folder.resolve("lora-goldens.json").toFile());
    tensors = folder.resolve("lora-goldens.safetensors");
    Path checkpoint = Fixtures.path("colqwen3-tiny-128");
    processor = new ImageProcessor(ProcessorConfig.read(checkpoint));
    model = TrainableColQwen3.load(checkpoint, Fixtures.path("colqwen3-tiny-128-lora"), Device.cpu(),
        EagerAttention::causal);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void colbertLossOverThreeQueriesAndPages() {
    check(golden("colbert-3x3"), LossConfig.colbert());
  }

  @Test
  void pairwiseLossOverTwoQueriesAndPages() {
    check(golden("pairwise-2x2"), LossConfig.colbertPairwise().withTemperature(0.05));
  }

  @Test
  void loraDropoutActsInTrainingPassesOnlyAndFollowsTheSeed() {
    List<Qwen3VLModel.Sequence> queries = List.of(new Qwen3VLModel.Sequence(new int[] {5, 9, 31, 7}, List.of()));
    assertThat(model.dropout()).isEqualTo(0.1f); // the fixture adapter's lora_dropout
    try (NDManager manager = model.backbone().manager().newSubManager()) {
      float[] evaluation = model.embed(manager, queries).toFloatArray();
      assertThat(model.embed(manager, queries, TrainableColQwen3.Pass.EVALUATION).toFloatArray())
          .containsExactly(evaluation);
      Engine.getEngine("PyTorch").setRandomSeed(21);
      float[] training = model.embed(manager, queries, TrainableColQwen3.Pass.TRAINING).toFloatArray();
      Engine.getEngine("PyTorch").setRandomSeed(21);
      float[] again = model.embed(manager, queries, TrainableColQwen3.Pass.TRAINING).toFloatArray();
      assertThat(LossGradients.maxGap(training, evaluation)).isGreaterThan(1e-4);
      assertThat(again).containsExactly(training);
    }
  }

  private static JsonNode golden(String name) {
    for (JsonNode c : goldens.get("cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private void check(JsonNode golden, LossConfig config) {
    String name = golden.get("name").asText();
    List<Qwen3VLModel.Sequence> queries = new ArrayList<>();
    List<Qwen3VLModel.Sequence> pages = new ArrayList<>();
    try (SafetensorsFile file = SafetensorsFile.open(tensors);
        NDManager manager = model.backbone().manager().newSubManager()) {
      for (JsonNode input : golden.get("inputs")) {
        String kind = input.get("kind").asText();
        int[] ids = longsToInts(file.tensor(name + "." + kind + input.get("index").asInt()
            + ".input_ids").toLongArray());
        if (kind.equals("query")) {
          queries.add(new Qwen3VLModel.Sequence(ids, List.of()));
        } else {
          pages.add(new Qwen3VLModel.Sequence(ids, List.of(processor.process(ImageIO.read(
              Fixtures.path("images/" + input.get("label").asText() + ".png").toFile())))));
        }
      }
      LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), config);
      Map<String, Double> errors = new TreeMap<>();
      model.zeroGradients();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray q = model.embed(manager, queries);
        NDArray d = model.embed(manager, pages);
        NDArray value = loss.loss(ContrastiveBatch.inBatch(q, d));
        double expected = golden.get("value").asDouble();
        errors.put("value", Math.abs(value.getFloat() - expected) / Math.abs(expected));
        collector.backward(value);
        for (Linear.LowRank adapter : model.adapters()) {
          String key = adapter.module().key();
          errors.put(key + ".A", relative(adapter.a().getGradient().toFloatArray(),
              file.tensor(name + ".grad." + key + ".lora_A.weight").toFloatArray()));
          errors.put(key + ".B", relative(adapter.b().getGradient().toFloatArray(),
              file.tensor(name + ".grad." + key + ".lora_B.weight").toFloatArray()));
        }
      }
      // every module PEFT adapted has a Java counterpart: 1 value + A and B of each
      assertThat(errors).hasSize(1 + 2 * golden.get("lora_modules").asInt());
      double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      System.out.printf("%s: loss %.3g, worst %.3g over %d LoRA matrices%n", name,
          errors.get("value"), worst, errors.size() - 1);
      assertThat(errors).allSatisfy((what, error) -> assertThat(error).as(what).isLessThan(TOLERANCE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int[] longsToInts(long[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.toIntExact(values[i]);
    }
    return out;
  }

  private static double relative(float[] actual, float[] expected) {
    double gap = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      gap = Math.max(gap, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return scale == 0 ? gap : gap / scale;
  }
}
