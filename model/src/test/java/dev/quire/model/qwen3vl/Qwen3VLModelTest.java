package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.TorchRuntime;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backbone's public API against the reference goldens: hidden states of asked-for layers and
 * the last layer, the language-model head tied and untied, LoRA kept per module and saved back.
 */
class Qwen3VLModelTest {

  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  /** A golden case's unpadded inputs and the reference tensors of its real rows, packed. */
  record Golden(List<Qwen3VLModel.Sequence> sequences, Map<String, float[]> packed,
      int hidden) {}

  static Qwen3VLModel load(String checkpoint, Path lora, boolean merge) throws IOException {
    TorchRuntime.init();
    Path folder = Fixtures.path(checkpoint);
    return load(folder, lora, merge);
  }

  private static Qwen3VLModel load(Path folder, Path lora, boolean merge) throws IOException {
    return Qwen3VLModel.load(Qwen3VLConfig.read(folder), CheckpointWeights.weightFiles(folder),
        new Qwen3VLModel.Options(lora, merge, Device.cpu(), DataType.FLOAT32, List.of("custom_text_proj")));
  }

  static Golden golden(String stem, String checkpoint) throws IOException {
    JsonNode description = Fixtures.json("goldens/" + stem + ".json");
    ImageProcessor processor = new ImageProcessor(ProcessorConfig.read(Fixtures.path(checkpoint)));
    List<ProcessedImage> images = new ArrayList<>();
    for (JsonNode page : description.path("inputs").path("pages")) {
      images.add(processor.process(
          ImageIO.read(Fixtures.path("images/" + page.asText() + ".png").toFile())));
    }
    try (SafetensorsFile file = SafetensorsFile.open(Fixtures.path("goldens/" + stem + ".safetensors"))) {
      long[] shape = file.tensor("input_ids").shape();
      int batch = (int) shape[0];
      int length = (int) shape[1];
      long[] ids = file.tensor("input_ids").toLongArray();
      long[] mask = file.tensor("attention_mask").toLongArray();
      List<Qwen3VLModel.Sequence> sequences = new ArrayList<>();
      List<Integer> realRows = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        List<Integer> own = new ArrayList<>();
        for (int t = 0; t < length; t++) {
          if (mask[b * length + t] == 1) {
            own.add((int) ids[b * length + t]);
            realRows.add(b * length + t);
          }
        }
        sequences.add(new Qwen3VLModel.Sequence(own.stream().mapToInt(Integer::intValue).toArray(),
            images.isEmpty() ? List.of() : List.of(images.get(b))));
      }
      Map<String, float[]> packed = new TreeMap<>();
      int hidden = 0;
      for (SafetensorsTensor t : file.tensors().values()) {
        if (t.name().startsWith("text.") && t.shape().length == 3) {
          hidden = (int) t.shape()[2];
          float[] all = t.toFloatArray();
          float[] rows = new float[realRows.size() * hidden];
          for (int r = 0; r < realRows.size(); r++) {
            System.arraycopy(all, realRows.get(r) * hidden, rows, r * hidden, hidden);
          }
          packed.put(t.name(), rows);
        }
      }
      return new Golden(sequences, packed, hidden);
    }
  }

  private static Qwen3VLModel.Hidden forward(Qwen3VLModel model, NDManager into, Golden golden,
      Set<Integer> keep) {
    int[] lengths = golden.sequences().stream().mapToInt(s -> s.ids().length).toArray();
    Attention attention = PaddedAttention.causal(lengths, model.config().text(), into, model.dtype());
    return model.forward(into, golden.sequences(), attention, keep, ForwardTrace.NONE);
  }

  private static void assertClose(NDArray actual, float[] expected, String what) {
    float[] values = actual.toType(DataType.FLOAT32, false).toFloatArray();
    assertThat(values).as(what).hasSameSizeAs(expected);
    double worst = 0;
    for (int i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs(values[i] - expected[i]));
    }
    assertThat(worst).as("max |java - reference| of " + what).isLessThan(TOLERANCE);
  }

  @Test
  void forwardGivesTheReferenceHiddenStatesOfTheLayersAskedFor() throws IOException {
    // pages (vision tower, DeepStack) on the F32 checkpoint; queries on the BF16 sharded one
    for (String[] c : new String[][] {{"128-docs-3", "colqwen3-tiny-128"},
        {"320-queries", "colqwen3-tiny-320"}}) {
      Golden golden = golden(c[0], c[1]);
      try (Qwen3VLModel model = load(c[1], null, true);
          NDManager into = model.manager().newSubManager()) {
        Qwen3VLModel.Hidden hidden = forward(model, into, golden, Set.of(0, 2));
        assertThat(hidden.layers().keySet()).containsExactly(0, 2);
        assertThat(hidden.lengths()).containsExactly(
            golden.sequences().stream().mapToInt(s -> s.ids().length).toArray());
        assertClose(hidden.layers().get(0), golden.packed().get("text.layer0.out"), c[0] + " layer 0");
        assertClose(hidden.layers().get(2), golden.packed().get("text.layer2.out"), c[0] + " layer 2");
        assertClose(hidden.lastHidden(), golden.packed().get("text.last_hidden_state"), c[0] + " last");
        assertThatThrownBy(() -> forward(model, into, golden, Set.of(model.config().text().layers())))
            .hasMessageContaining("outside 0..");
      }
    }
  }

  /** hidden x W^T in double precision on the host, W [vocab, width] as the checkpoint has it. */
  private static float[] hostLogits(float[] hidden, int rows, float[] weight, int width) {
    int vocab = weight.length / width;
    float[] logits = new float[rows * vocab];
    for (int r = 0; r < rows; r++) {
      for (int v = 0; v < vocab; v++) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
          sum += (double) hidden[r * width + i] * weight[v * width + i];
        }
        logits[r * vocab + v] = (float) sum;
      }
    }
    return logits;
  }

  private static float[] randomRows(int rows, int width, long seed) {
    java.util.Random random = new java.util.Random(seed);
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  @Test
  void theLanguageModelHeadIsTheCheckpointsOrTheTiedEmbeddingTable() throws IOException {
    try (Qwen3VLModel tomoro = load("colqwen3-tiny-320-tomoro", null, true);
        CheckpointWeights weights = CheckpointWeights.open(
            CheckpointWeights.weightFiles(Fixtures.path("colqwen3-tiny-320-tomoro")));
        NDManager into = tomoro.manager().newSubManager()) {
      int width = tomoro.config().text().hiddenSize();
      float[] hidden = randomRows(3, width, 7);
      NDArray rows = into.create(hidden, new ai.djl.ndarray.types.Shape(3, width));
      LanguageModelHead head = tomoro.lmHead();
      assertThat(head.vocabSize()).isEqualTo(tomoro.config().text().vocabSize());
      assertThat(head.blocks()).isEqualTo(1);
      NDArray logits = head.logits(rows);
      assertThat(logits.getShape().getShape()).containsExactly(3, head.vocabSize());
      assertClose(logits, hostLogits(hidden, 3, weights.tensor("lm_head.weight").toFloatArray(), width),
          "logits of the untied head");
      // held in blocks of 100 rows (11 blocks, the last of 88): the same logits
      LanguageModelHead blocks = tomoro.loadLmHead(100);
      assertThat(blocks.blocks()).isEqualTo((int) Math.ceilDiv(head.vocabSize(), 100));
      assertClose(blocks.logits(rows), logits.toFloatArray(), "logits of the head in blocks");
      assertThatThrownBy(() -> head.logits(into.zeros(new ai.djl.ndarray.types.Shape(2, width + 1))))
          .hasMessageContaining("do not fit a head of width " + width);
    }
    try (Qwen3VLModel colpali = load("colqwen3-tiny-128", null, true)) {
      assertThatThrownBy(colpali::lmHead).hasMessageContaining("no lm_head.weight");
    }
    // the same checkpoint declared tied: the head is the embedding table
    Path tied = Files.createDirectories(dir.resolve("tied"));
    Path source = Fixtures.path("colqwen3-tiny-128");
    ObjectNode config = (ObjectNode) new ObjectMapper().readTree(source.resolve("config.json").toFile());
    config.put("tie_word_embeddings", true);
    new ObjectMapper().writeValue(tied.resolve("config.json").toFile(), config);
    Files.copy(source.resolve("model.safetensors"), tied.resolve("model.safetensors"));
    try (Qwen3VLModel model = load(tied, null, true);
        CheckpointWeights weights = CheckpointWeights.open(CheckpointWeights.weightFiles(tied));
        NDManager into = model.manager().newSubManager()) {
      assertThat(model.config().tieWordEmbeddings()).isTrue();
      int width = model.config().text().hiddenSize();
      float[] hidden = randomRows(2, width, 11);
      NDArray rows = into.create(hidden, new ai.djl.ndarray.types.Shape(2, width));
      assertClose(model.loadLmHead(500).logits(rows), hostLogits(hidden, 2,
          weights.tensor("language_model.embed_tokens.weight").toFloatArray(), width),
          "logits of the tied head");
    }
  }

  @Test
  void anUnmergedAdapterKeepsEachModulesFactorsAndSavesThemInPeftLayout() throws IOException {
    Path lora = Fixtures.path("colqwen3-tiny-128-lora");
    Golden golden = golden("128-lora-docs-3", "colqwen3-tiny-128");
    Path saved = dir.resolve("saved");
    try (LoraAdapter adapter = LoraAdapter.open(lora);
        Qwen3VLModel model = load("colqwen3-tiny-128", lora, false);
        NDManager into = model.manager().newSubManager()) {
      List<Linear.LowRank> factors = model.adapters();
      // every text-side module of the adapter has its own A [r, in] and B [out, r]
      assertThat(factors).extracting(f -> f.module().name())
          .hasSize(adapter.modules().size())
          .doesNotHaveDuplicates()
          .allMatch(name -> adapter.module(name) != null);
      for (Linear.LowRank f : factors) {
        LoraAdapter.Module m = f.module();
        assertThat(f.a().getShape().getShape()).as(m.name()).containsExactly(m.a().shape());
        assertThat(f.b().getShape().getShape()).as(m.name()).containsExactly(m.b().shape());
        assertThat(f.a().toFloatArray()).as(m.name()).containsExactly(m.a().toFloatArray());
      }
      assertClose(forward(model, into, golden, Set.of()).lastHidden(),
          golden.packed().get("text.last_hidden_state"), "unmerged adapter");
      LoraAdapter.write(saved, adapter.config(), factors);
    }
    try (LoraAdapter original = LoraAdapter.open(lora); LoraAdapter reread = LoraAdapter.open(saved)) {
      assertThat(reread.config()).isEqualTo(original.config());
      assertThat(reread.modules().keySet()).isEqualTo(original.modules().keySet());
      for (LoraAdapter.Module m : original.modules().values()) {
        LoraAdapter.Module r = reread.module(m.name());
        assertThat(r.key()).isEqualTo(m.key()).startsWith("base_model.model.");
        assertThat(r.scale()).isEqualTo(m.scale());
        assertThat(r.a().toFloatArray()).containsExactly(m.a().toFloatArray());
        assertThat(r.b().toFloatArray()).containsExactly(m.b().toFloatArray());
      }
    }
    try (Qwen3VLModel model = load("colqwen3-tiny-128", saved, true);
        NDManager into = model.manager().newSubManager()) {
      assertThat(model.adapters()).isEmpty();
      assertClose(forward(model, into, golden, Set.of()).lastHidden(),
          golden.packed().get("text.last_hidden_state"), "saved adapter, merged");
    }
  }
}
