package dev.quire.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.Linear;
import dev.quire.model.qwen3vl.LoraAdapter;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fresh adapter: PEFT's module selection, scale and initialisation, and a no-op until trained. */
class FreshAdapterTest {

  private static final Path CHECKPOINT = Fixtures.path("colqwen3-tiny-128");

  @TempDir Path temp;

  private static LoraConfig config(int rank, double alpha, boolean rsLora, LoraConfig.Targets targets,
      LoraConfig.Init init) {
    return new LoraConfig(rank, alpha, 0.0, rsLora, targets, init);
  }

  @Test
  void colpalisRegexSelectsTheModulesPeftSelected() throws IOException {
    // the fixture adapter was made by PEFT's get_peft_model with colpali-engine's regex
    Set<String> peft;
    try (SafetensorsFile file = SafetensorsFile.open(
        Fixtures.path("colqwen3-tiny-128-lora/adapter_model.safetensors"))) {
      peft = file.tensors().keySet().stream().filter(k -> k.endsWith(".lora_A.weight"))
          .map(k -> k.substring(FreshAdapter.PREFIX.length(), k.length() - ".lora_A.weight".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    List<FreshAdapter.Target> targets = FreshAdapter.targets(CheckpointWeights.weightFiles(CHECKPOINT),
        LoraConfig.colpaliDefault());
    Set<String> selected = targets.stream().map(FreshAdapter.Target::module)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(selected).isEqualTo(peft).hasSize(29);
  }

  @Test
  void aListOfNamesMatchesWholeNamesOrTheirLastParts() throws IOException {
    List<FreshAdapter.Target> targets = FreshAdapter.targets(CheckpointWeights.weightFiles(CHECKPOINT),
        config(2, 4, false, new LoraConfig.Targets.Names(List.of("q_proj", "custom_text_proj")),
            LoraConfig.Init.KAIMING_UNIFORM));
    // four decoder layers' q_proj (the vision tower's attention is a fused qkv) and the head
    assertThat(targets).extracting(FreshAdapter.Target::module)
        .containsExactlyInAnyOrder("language_model.layers.0.self_attn.q_proj",
            "language_model.layers.1.self_attn.q_proj", "language_model.layers.2.self_attn.q_proj",
            "language_model.layers.3.self_attn.q_proj", "custom_text_proj");
    FreshAdapter.Target head = targets.stream().filter(t -> t.module().equals("custom_text_proj"))
        .findFirst().orElseThrow();
    assertThat(head.outFeatures()).isEqualTo(128);
    assertThat(head.inFeatures()).isEqualTo(48);
  }

  @Test
  void embeddingsAreRefusedAndAnEmptySelectionToo() {
    assertThatThrownBy(() -> FreshAdapter.targets(CheckpointWeights.weightFiles(CHECKPOINT),
        config(2, 4, false, new LoraConfig.Targets.Regex(".*embed_tokens"), LoraConfig.Init.GAUSSIAN)))
        .hasMessageContaining("embed_tokens");
    assertThatThrownBy(() -> FreshAdapter.targets(CheckpointWeights.weightFiles(CHECKPOINT),
        config(2, 4, false, new LoraConfig.Targets.Names(List.of("no_such_proj")), LoraConfig.Init.GAUSSIAN)))
        .hasMessageContaining("match no linear module");
  }

  @Test
  void kaimingUniformAndZeroBInTheLayoutTheModelReads() throws IOException {
    LoraConfig config = config(8, 16, false, new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS),
        LoraConfig.Init.KAIMING_UNIFORM);
    FreshAdapter.write(CHECKPOINT, config, 7, temp.resolve("a"));
    try (LoraAdapter adapter = LoraAdapter.open(temp.resolve("a"))) {
      assertThat(adapter.modules()).hasSize(29);
      for (LoraAdapter.Module module : adapter.modules().values()) {
        assertThat(module.scale()).isEqualTo(2f);
        assertThat(module.rank()).isEqualTo(8);
        float[] a = module.a().toFloatArray();
        double bound = 1 / Math.sqrt(module.a().shape()[1]);
        double sumSquares = 0;
        for (float value : a) {
          assertThat(Math.abs(value)).isLessThanOrEqualTo((float) bound);
          sumSquares += value * value;
        }
        // U(-b, b) has variance b^2 / 3; 384 to 640 draws per module
        assertThat(sumSquares / a.length).isBetween(bound * bound / 3 * 0.75, bound * bound / 3 * 1.25);
        assertThat(module.b().toFloatArray()).containsOnly(0f);
      }
    }
    FreshAdapter.write(CHECKPOINT, config, 7, temp.resolve("same"));
    FreshAdapter.write(CHECKPOINT, config, 8, temp.resolve("other"));
    byte[] first = Files.readAllBytes(temp.resolve("a/adapter_model.safetensors"));
    assertThat(Files.readAllBytes(temp.resolve("same/adapter_model.safetensors"))).isEqualTo(first);
    assertThat(Files.readAllBytes(temp.resolve("other/adapter_model.safetensors"))).isNotEqualTo(first);
  }

  @Test
  void gaussianAWithStandardDeviationOneOverRankAndTheRsLoraScale() throws IOException {
    LoraConfig config = config(4, 6, true, new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS),
        LoraConfig.Init.GAUSSIAN);
    FreshAdapter.write(CHECKPOINT, config, 3, temp);
    assertThat(config.scale()).isEqualTo(3.0);
    double sumSquares = 0;
    long count = 0;
    try (LoraAdapter adapter = LoraAdapter.open(temp)) {
      for (LoraAdapter.Module module : adapter.modules().values()) {
        assertThat(module.scale()).isEqualTo(3f); // alpha / sqrt(r)
        for (float value : module.a().toFloatArray()) {
          sumSquares += value * value;
          count++;
        }
      }
      assertThat(adapter.config().get("init_lora_weights").asText()).isEqualTo("gaussian");
      assertThat(adapter.config().get("target_modules").asText()).isEqualTo(LoraConfig.COLPALI_TARGETS);
    }
    assertThat(Math.sqrt(sumSquares / count)).isBetween(0.25 * 0.95, 0.25 * 1.05);
  }

  @Test
  void aFreshAdapterChangesNothingAndOnlyBGetsAGradientAtFirst() throws IOException {
    TorchRuntime.init();
    FreshAdapter.write(CHECKPOINT, config(4, 8, false,
        new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS), LoraConfig.Init.KAIMING_UNIFORM), 11, temp);
    List<Qwen3VLModel.Sequence> queries = List.of(new Qwen3VLModel.Sequence(new int[] {5, 9, 31, 7}, List.of()),
        new Qwen3VLModel.Sequence(new int[] {12, 3, 3}, List.of()));
    List<Qwen3VLModel.Sequence> docs = List.of(new Qwen3VLModel.Sequence(new int[] {40, 41, 42, 43, 44}, List.of()),
        new Qwen3VLModel.Sequence(new int[] {8, 100, 200}, List.of()));
    float[] base;
    try (TrainableColQwen3 plain = TrainableColQwen3.load(CHECKPOINT, Fixtures.path("colqwen3-tiny-128-lora"),
            Device.cpu(), EagerAttention::causal);
        TrainableColQwen3 fresh = TrainableColQwen3.load(CHECKPOINT, temp, Device.cpu(), EagerAttention::causal);
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      // B = 0: the same embeddings as the checkpoint without an adapter; the fixture's adapter moves them
      NDArray withFresh = fresh.embed(manager, queries);
      try (Qwen3VLModel bare = Qwen3VLModel.load(fresh.backbone().config(),
          CheckpointWeights.weightFiles(CHECKPOINT), new Qwen3VLModel.Options(null, false, Device.cpu(),
              ai.djl.ndarray.types.DataType.FLOAT32, List.of("custom_text_proj")))) {
        NDArray hidden = bare.forward(manager, queries, EagerAttention.causal(new int[] {4, 3},
            bare.config().text(), manager, bare.dtype())).lastHidden();
        NDArray projected = bare.head("custom_text_proj").apply(hidden);
        base = projected.div(projected.norm(new int[] {-1}, true)).toFloatArray();
      }
      float[] fromFresh = withFresh.get("0").toFloatArray();
      float[] plainRows = plain.embed(manager, queries).get("0").toFloatArray();
      for (int i = 0; i < fromFresh.length; i++) {
        assertThat(fromFresh[i]).isCloseTo(base[i], org.assertj.core.data.Offset.offset(1e-6f));
      }
      assertThat(LossGradients.maxGap(plainRows, fromFresh)).isGreaterThan(1e-3);

      fresh.zeroGradients();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert())
            .loss(ContrastiveBatch.inBatch(fresh.embed(manager, queries), fresh.embed(manager, docs)));
        collector.backward(loss);
      }
      for (Linear.LowRank module : fresh.adapters()) {
        assertThat(module.a().getGradient().abs().max().getFloat()).as(module.module().name()).isZero();
      }
      assertThat(fresh.adapters()).anySatisfy(module ->
          assertThat(module.b().getGradient().abs().max().getFloat()).isPositive());

      // the matrices are the model's own memory (not the adapter file's read-only mapping): an
      // optimiser may update them in place, and the model computes with the new values
      for (Linear.LowRank module : fresh.adapters()) {
        module.b().addi(0.05f);
      }
      assertThat(LossGradients.maxGap(fresh.embed(manager, queries).get("0").toFloatArray(), fromFresh))
          .isGreaterThan(1e-3);
    }
  }
}
