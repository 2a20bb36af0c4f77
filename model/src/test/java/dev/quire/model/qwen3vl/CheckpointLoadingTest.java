package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.safetensors.SafetensorsDType;
import dev.quire.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLoadingTest {

  @TempDir Path dir;

  /** A checkpoint folder's weights, as the model opens them. */
  private static CheckpointWeights open(Path folder) throws IOException {
    return CheckpointWeights.open(CheckpointWeights.weightFiles(folder));
  }

  @Test
  void transformers4And5ConfigFormsDescribeTheSameModel() throws IOException {
    Qwen3VLConfig v5 = Qwen3VLConfig.read(Fixtures.path("colqwen3-tiny-128"));
    Qwen3VLConfig v4 = Qwen3VLConfig.read(Fixtures.path("colqwen3-tiny-320-tomoro"));
    assertThat(v4.text()).usingRecursiveComparison().isEqualTo(v5.text());
    assertThat(v4.vision()).usingRecursiveComparison().isEqualTo(v5.vision());
    assertThat(v5.text().ropeTheta()).isEqualTo(5_000_000.0);
    assertThat(v5.text().mropeSection()).containsExactly(6, 5, 5);
    assertThat(v5.text().headDim()).isEqualTo(32);
    assertThat(v5.text().groups()).isEqualTo(2);
    assertThat(v5.vision().ropeTheta()).isEqualTo(10000.0);
    assertThat(v4.vision().ropeTheta()).isEqualTo(10000.0); // fixed when the 4.57 form omits it
    assertThat(v5.vision().positionSide()).isEqualTo(6);
    assertThat(v5.vision().deepstackIndexes()).containsExactly(0, 2, 3);
    assertThat(v5.imageTokenId()).isEqualTo(1012);
  }

  @Test
  void theThreeKeyConventionsMapToOneName() {
    for (String key : new String[] {"vlm.model.language_model.norm.weight",
        "model.language_model.norm.weight", "language_model.norm.weight"}) {
      assertThat(CheckpointWeights.canonicalName(key)).isEqualTo("language_model.norm.weight");
    }
    assertThat(CheckpointWeights.canonicalName("embedding_proj_layer.bias")).isEqualTo("custom_text_proj.bias");
    assertThat(CheckpointWeights.canonicalName("model.custom_text_proj.weight")).isEqualTo("custom_text_proj.weight");
    assertThat(CheckpointWeights.canonicalName("custom_text_proj.weight")).isEqualTo("custom_text_proj.weight");
    assertThat(CheckpointWeights.canonicalName("vlm.model.visual.pos_embed.weight")).isEqualTo("visual.pos_embed.weight");
    assertThat(CheckpointWeights.canonicalName("vlm.lm_head.weight")).isEqualTo("lm_head.weight");
    assertThat(CheckpointWeights.canonicalName("lm_head.weight")).isEqualTo("lm_head.weight");
  }

  @Test
  void shardedColpaliAndTomoroCheckpointsHoldTheSameTensors() throws IOException {
    try (CheckpointWeights sharded = open(Fixtures.path("colqwen3-tiny-320"));
        CheckpointWeights tomoro = open(Fixtures.path("colqwen3-tiny-320-tomoro"))) {
      assertThat(CheckpointWeights.weightFiles(Fixtures.path("colqwen3-tiny-320"))).hasSize(2);
      // TomoroAI's export keeps the language-model head, which colpali's drops
      assertThat(tomoro.tensors().keySet()).containsAll(sharded.tensors().keySet())
          .hasSize(sharded.tensors().size() + 1).contains("lm_head.weight");
      assertThat(sharded.tensors().keySet()).contains("custom_text_proj.bias", "visual.pos_embed.weight")
          .noneMatch(k -> k.startsWith("model.") || k.startsWith("lm_head"));
      for (String name : sharded.tensors().keySet()) {
        assertThat(tomoro.tensor(name).shape()).as(name).isEqualTo(sharded.tensor(name).shape());
        assertThat(tomoro.tensor(name).data().mismatch(sharded.tensor(name).data())).as(name).isEqualTo(-1);
        assertThat(sharded.tensor(name).dtype()).isEqualTo(SafetensorsDType.BF16);
      }
    }
  }

  @Test
  void duplicateNamesAfterNormalisationAreRefused() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("dup"));
    new SafetensorsWriter()
        .putF32("model.language_model.norm.weight", new long[] {1}, new float[1])
        .putF32("language_model.norm.weight", new long[] {1}, new float[1])
        .write(folder.resolve("model.safetensors"));
    assertThatThrownBy(() -> open(folder))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"language_model.norm.weight\" appears twice");
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> Qwen3VLConfig.read(empty))
        .isInstanceOf(IOException.class).hasMessageContaining("no config.json");
    assertThatThrownBy(() -> open(empty))
        .isInstanceOf(IOException.class).hasMessageContaining("neither model.safetensors");
    Files.writeString(empty.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\"}}");
    assertThatThrownBy(() -> open(empty))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"model-00001-of-00002.safetensors\", which is not a file");
  }

  @Test
  void configErrorsQuoteTheField() throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(Fixtures.path("colqwen3-tiny-128/config.json").toFile());
    ((ObjectNode) config.get("text_config").get("rope_parameters")).put("mrope_interleaved", false);
    assertThatThrownBy(() -> Qwen3VLConfig.parse(config, "c.json"))
        .hasMessageContaining("c.json: text_config").hasMessageContaining("mrope_interleaved false");
    ObjectNode other = (ObjectNode) json.readTree(Fixtures.path("colqwen3-tiny-128/config.json").toFile());
    ((ObjectNode) other.get("text_config").get("rope_parameters")).putArray("mrope_section").add(6).add(5);
    assertThatThrownBy(() -> Qwen3VLConfig.parse(other, "c.json"))
        .hasMessageContaining("mrope_section [6, 5]");
    ObjectNode deep = (ObjectNode) json.readTree(Fixtures.path("colqwen3-tiny-128/config.json").toFile());
    ((ObjectNode) deep.get("vision_config")).putArray("deepstack_visual_indexes").add(9);
    assertThatThrownBy(() -> Qwen3VLConfig.parse(deep, "c.json"))
        .hasMessageContaining("deepstack_visual_indexes [9] outside 0..4");
  }

  @Test
  void wrongTensorShapesAreNamed() throws IOException {
    try (CheckpointWeights weights = open(Fixtures.path("colqwen3-tiny-128"))) {
      assertThatThrownBy(() -> weights.tensor("language_model.norm.weight", 64))
          .hasMessageContaining("\"language_model.norm.weight\" has shape [48], the config implies [64]");
    }
  }

  @Test
  void loraAdapterScalesAndTargetsComeFromItsConfig() throws IOException {
    try (LoraAdapter adapter = LoraAdapter.open(Fixtures.path("colqwen3-tiny-128-lora"))) {
      Set<String> expected = new TreeSet<>();
      Fixtures.json("index.json").get("lora_target_modules").forEach(n -> expected.add(n.asText()));
      assertThat(new TreeSet<>(adapter.modules().keySet())).isEqualTo(expected);
      LoraAdapter.Module q = adapter.module("language_model.layers.0.self_attn.q_proj");
      assertThat(q.rank()).isEqualTo(4);
      assertThat(q.scale()).isEqualTo(1.5f); // alpha 6 / r 4
    }
  }

  @Test
  void anAdapterForAnotherModelIsRefused() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("alien"));
    Files.copy(Fixtures.path("colqwen3-tiny-128-lora/adapter_config.json"), folder.resolve("adapter_config.json"));
    new SafetensorsWriter()
        .putF32("base_model.model.language_model.layers.9.mlp.up_proj.lora_A.weight", new long[] {4, 48}, new float[192])
        .putF32("base_model.model.language_model.layers.9.mlp.up_proj.lora_B.weight", new long[] {80, 4}, new float[320])
        .write(folder.resolve("adapter_model.safetensors"));
    Path checkpoint = Fixtures.path("colqwen3-tiny-128");
    assertThatThrownBy(() -> Qwen3VLModel.load(Qwen3VLConfig.read(checkpoint),
            CheckpointWeights.weightFiles(checkpoint),
            new Qwen3VLModel.Options(folder, true, Device.cpu(), DataType.FLOAT32, List.of())))
        .hasMessageContaining("targets modules this model does not have")
        .hasMessageContaining("language_model.layers.9.mlp.up_proj");
  }
}
