package dev.quire.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.Linear;
import dev.quire.model.qwen3vl.ProcessorConfig;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.training.loss.ColpaliLosses;
import dev.quire.training.loss.ContrastiveBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tiny ColQwen3 fixtures with a PEFT adapter each (B non-zero): the embeddings, the loss and the
 * gradient of every LoRA matrix against PEFT's (tools/reference/training_goldens.py): the 128-d
 * checkpoint with the model fixtures' adapter (colpali's regex, r 4, alpha 6) under ColbertLoss,
 * ColbertPairwiseCELoss and ColbertNegativeCELoss (two hard-negative pages a query), the 320-d BF16 one (head with bias) with an rsLoRA adapter (r 8,
 * alpha 4, a list of targets) under ColbertPairwiseNegativeCELoss with a hard-negative page each.
 */
class LoraGradientTest {

  private static final double TOLERANCE = 1e-4;
  private static Path folder;
  private static JsonNode goldens;
  private static final Map<String, TrainableColQwen3> MODELS = new HashMap<>();

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    TorchRuntime.init();
    folder = Path.of(LoraGradientTest.class
        .getResource("/dev/quire/training/lora/lora-goldens.json").toURI()).getParent();
    goldens = new ObjectMapper().readTree(folder.resolve("lora-goldens.json").toFile());
  }

  @AfterAll
  static void close() {
    MODELS.values().forEach(TrainableColQwen3::close);
  }

  static List<String> cases() throws IOException, URISyntaxException {
    load();
    List<String> names = new ArrayList<>();
    goldens.get("cases").forEach(c -> names.add(c.get("name").asText()));
    return names;
  }

  private static TrainableColQwen3 model(String checkpoint, String adapter) {
    return MODELS.computeIfAbsent(checkpoint + "+" + adapter, key -> {
      Path own = folder.resolve(adapter);
      try {
        return TrainableColQwen3.load(Fixtures.path(checkpoint),
            Files.isDirectory(own) ? own : Fixtures.path(adapter), Device.cpu(), EagerAttention::causal);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lossAndEveryLoraGradientMatchPeft(String name) throws IOException {
    JsonNode golden = null;
    for (JsonNode c : goldens.get("cases")) {
      golden = c.get("name").asText().equals(name) ? c : golden;
    }
    String checkpoint = golden.get("checkpoint").asText();
    TrainableColQwen3 model = model(checkpoint, golden.get("adapter").asText());
    ImageProcessor processor = new ImageProcessor(ProcessorConfig.read(Fixtures.path(checkpoint)));
    Map<String, List<Qwen3VLModel.Sequence>> inputs = new LinkedHashMap<>();
    Map<String, List<float[]>> expectedEmbeddings = new HashMap<>();
    Path tensors = folder.resolve("lora-goldens.safetensors");
    try (SafetensorsFile file = SafetensorsFile.open(tensors);
        NDManager manager = model.backbone().manager().newSubManager()) {
      for (JsonNode input : golden.get("inputs")) {
        String kind = input.get("kind").asText();
        String stem = name + "." + kind + input.get("index").asInt();
        long[] ids = file.tensor(stem + ".input_ids").toLongArray();
        int[] tokens = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
          tokens[i] = Math.toIntExact(ids[i]);
        }
        List<dev.quire.model.qwen3vl.ProcessedImage> images = kind.equals("query") ? List.of()
            : List.of(processor.process(ImageIO.read(
                Fixtures.path("images/" + input.get("label").asText() + ".png").toFile())));
        inputs.computeIfAbsent(kind, k -> new ArrayList<>()).add(new Qwen3VLModel.Sequence(tokens, images));
        // stored for the queries and the first page of each kind (the loss checks the others)
        expectedEmbeddings.computeIfAbsent(kind, k -> new ArrayList<>())
            .add(file.tensors().containsKey(stem + ".embeddings")
                ? file.tensor(stem + ".embeddings").toFloatArray() : null);
      }
      Map<String, Double> errors = new TreeMap<>();
      double embeddingGap = 0;
      model.zeroGradients();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        Map<String, NDArray> embedded = new HashMap<>();
        for (var entry : inputs.entrySet()) {
          NDArray batch = model.embed(manager, entry.getValue());
          embedded.put(entry.getKey(), batch);
          for (int i = 0; i < entry.getValue().size(); i++) {
            float[] expected = expectedEmbeddings.get(entry.getKey()).get(i);
            if (expected == null) {
              continue;
            }
            int length = entry.getValue().get(i).ids().length;
            float[] actual = batch.get("{}, :{}", i, length).toFloatArray();
            embeddingGap = Math.max(embeddingGap, LossGradients.maxGap(actual, expected));
          }
        }
        int perQuery = golden.get("negatives_per_query").asInt();
        ContrastiveBatch batch = perQuery == 0
            ? ContrastiveBatch.inBatch(embedded.get("query"), embedded.get("page"))
            : ContrastiveBatch.withNegatives(embedded.get("query"), embedded.get("page"),
                negatives(embedded.get("negative"), perQuery));
        NDArray value = ColpaliLosses.build(golden.get("loss").asText(), golden.get("kwargs")).loss(batch);
        double expected = golden.get("value").asDouble();
        errors.put("value", Math.abs(value.getFloat() - expected) / Math.abs(expected));
        // the forward pass has closed its intermediates: a tensor autograd saved that viewed Java
        // memory (freed once collected) would give garbage gradients from here on
        System.gc();
        collector.backward(value);
      }
      for (Linear.LowRank adapter : model.adapters()) {
        String key = adapter.module().key();
        errors.put(key + ".A", LossGradients.relativeError(adapter.a().getGradient().toFloatArray(),
            file.tensor(name + ".grad." + key + ".lora_A.weight").toFloatArray()));
        errors.put(key + ".B", LossGradients.relativeError(adapter.b().getGradient().toFloatArray(),
            file.tensor(name + ".grad." + key + ".lora_B.weight").toFloatArray()));
      }
      // every module PEFT adapted has its Java counterpart: the value and A and B of each
      assertThat(errors).hasSize(1 + 2 * golden.get("lora_modules").asInt());
      double worst = errors.entrySet().stream().filter(e -> !e.getKey().equals("value"))
          .mapToDouble(Map.Entry::getValue).max().orElseThrow();
      System.out.printf("%s: embeddings within %.3g, loss %.3g, worst gradient %.3g over %d LoRA"
          + " matrices%n", name, embeddingGap, errors.get("value"), worst, errors.size() - 1);
      assertThat(embeddingGap).isLessThan(1e-4);
      assertThat(errors).allSatisfy((what, error) -> assertThat(error).as(what).isLessThan(TOLERANCE));
    }
  }

  /** [B x N, L, d] as colpali's collator batches them -> [B, N, L, d]. */
  private static NDArray negatives(NDArray flat, int perQuery) {
    Shape shape = flat.getShape();
    return flat.reshape(shape.get(0) / perQuery, perQuery, shape.get(1), shape.get(2));
  }

  @Test
  void onlyTheAdapterAsksForGradients() {
    TrainableColQwen3 model = model("colqwen3-tiny-320", "colqwen3-tiny-320-rslora");
    List<NDArray> arrays = model.backbone().manager().getManagedArrays().stream()
        .filter(r -> r instanceof NDArray).map(r -> (NDArray) r).toList();
    // the backbone's weights, the vision tower's, the head's: hundreds of arrays, 26 of them LoRA
    assertThat(arrays.size()).isGreaterThan(100);
    assertThat(arrays.stream().filter(NDArray::hasGradient).count())
        .isEqualTo(2L * model.adapters().size()).isEqualTo(26);
  }

  @Test
  void loraDropoutActsInTrainingPassesOnlyAndFollowsTheSeed() {
    TrainableColQwen3 model = model("colqwen3-tiny-128", "colqwen3-tiny-128-lora");
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
}
