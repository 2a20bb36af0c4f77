package dev.quire.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.qwen3vl.Attention;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.qwen3vl.ForwardTrace;
import dev.quire.model.qwen3vl.LayerCheckpoints;
import dev.quire.model.qwen3vl.Linear;
import dev.quire.model.qwen3vl.LoraAdapter;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.training.optim.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Set;

/**
 * ColQwen3 (the Qwen3-VL backbone, {@code custom_text_proj}, L2 normalisation) with a LoRA adapter
 * kept as separate A and B matrices that require gradients, and every other weight frozen (no
 * gradient is ever asked of it). {@link #embed} is differentiable in the adapter under a DJL
 * {@code GradientCollector}.
 */
public final class TrainableColQwen3 implements AutoCloseable {

  static final String PROJECTION = "custom_text_proj";

  private final Qwen3VLModel backbone;
  private final Linear projection;
  private final List<Linear.LowRank> adapters;
  private final AttentionFactory attention;
  private final float dropout;
  private final JsonNode adapterConfig;
  private final List<LayerCheckpoints> pending = new ArrayList<>();
  private boolean checkpointing;
  private boolean verifyRecomputation;

  /** A training pass drops LoRA inputs at the adapter's {@code lora_dropout}; an evaluation pass does not. */
  public enum Pass { TRAINING, EVALUATION }

  /** What each decoder layer's rows attend to, for packed sequences of these lengths. */
  @FunctionalInterface
  public interface AttentionFactory {
    Attention forLengths(int[] lengths, Qwen3VLConfig.Text config, NDManager manager,
        DataType dtype);
  }

  private TrainableColQwen3(Qwen3VLModel backbone, AttentionFactory attention,
      JsonNode adapterConfig) {
    this.backbone = backbone;
    this.adapterConfig = adapterConfig.deepCopy();
    this.dropout = (float) adapterConfig.path("lora_dropout").asDouble(0);
    this.projection = backbone.head(PROJECTION);
    this.adapters = backbone.adapters();
    this.attention = attention;
    if (adapters.isEmpty()) {
      throw new IllegalArgumentException("the adapter adds no low-rank module to this model");
    }
    for (Linear.LowRank adapter : adapters) {
      adapter.a().setRequiresGradient(true);
      adapter.b().setRequiresGradient(true);
    }
  }

  /**
   * Loads a checkpoint folder's config and weights and a PEFT adapter folder, unmerged, in
   * float32 on {@code device}.
   */
  public static TrainableColQwen3 load(Path model, Path adapter, Device device,
      AttentionFactory attention) throws IOException {
    Qwen3VLConfig config = Qwen3VLConfig.read(model);
    JsonNode adapterConfig = new ObjectMapper().readTree(adapter.resolve("adapter_config.json").toFile());
    return new TrainableColQwen3(Qwen3VLModel.load(config, CheckpointWeights.weightFiles(model),
        new Qwen3VLModel.Options(adapter, false, device, DataType.FLOAT32, List.of(PROJECTION))),
        attention, adapterConfig);
  }

  /**
   * Writes the adapter as it stands now (after however many optimiser steps) in PEFT's layout:
   * {@code adapter_model.safetensors} with every A and B in float32 under PEFT's keys (what PEFT
   * saves for a float32 model, and for a half-precision one too, since PEFT keeps adapter weights in
   * float32 by default), and the {@code adapter_config.json} it was loaded with, marked
   * {@code inference_mode: true} as PEFT's {@code save_pretrained} marks it. PEFT, Quire's
   * encoder ({@code --lora}) and {@link #load} read the folder back.
   */
  public void saveAdapter(Path folder) throws IOException {
    ObjectNode config = adapterConfig.deepCopy();
    config.put("inference_mode", true);
    LoraAdapter.write(folder, config, adapters);
  }

  public Qwen3VLModel backbone() {
    return backbone;
  }

  /** The trainable modules: each one's A [r, in] and B [out, r] require gradients. */
  public List<Linear.LowRank> adapters() {
    return adapters;
  }

  /**
   * The trainable matrices by the key PEFT stores them under ({@code <module>.lora_A.weight},
   * {@code .lora_B.weight}), in the adapter's module order.
   */
  public SequencedMap<String, NDArray> parameters() {
    SequencedMap<String, NDArray> parameters = new LinkedHashMap<>();
    for (Linear.LowRank adapter : adapters) {
      parameters.put(adapter.module().key() + ".lora_A.weight", adapter.a());
      parameters.put(adapter.module().key() + ".lora_B.weight", adapter.b());
    }
    return parameters;
  }

  /**
   * Sets the adapter's gradients to zero: libtorch adds every backward pass to them (DJL's
   * {@code GradientCollector} does not reset them), so a step starts here.
   */
  public void zeroGradients() {
    Trainer.zeroGradients(List.copyOf(parameters().values()));
  }

  /** The adapter's LoRA dropout, applied in {@link Pass#TRAINING} passes. */
  public float dropout() {
    return dropout;
  }

  /**
   * Embeddings of {@code sequences} as one zero-padded batch [B, longest, dim] in {@code into}:
   * unit rows for tokens, zero rows after each sequence's end (what colpali-engine's losses take).
   */
  public NDArray embed(NDManager into, List<Qwen3VLModel.Sequence> sequences, Pass pass) {
    if (pass == Pass.TRAINING && dropout > 0) {
      return ScopedValue.where(Linear.LORA_DROPOUT, dropout).call(() -> embed(into, sequences));
    }
    return embed(into, sequences);
  }

  /**
   * Turns gradient checkpointing per decoder layer on or off ({@link LayerCheckpoints}): an embedding
   * made while a gradient collector records keeps only each layer's input, and the caller finishes
   * each backward pass with {@link #backwardThroughCheckpoints}. Refused for an adapter with modules
   * in the vision tower, which then runs without a graph.
   */
  public void gradientCheckpointing(boolean on) {
    if (on) {
      visionModule().ifPresent(key -> {
        throw new IllegalArgumentException("gradient checkpointing runs the vision tower without gradients,"
            + " but the adapter trains " + key);
      });
    }
    checkpointing = on;
  }

  /**
   * An adapted module of the vision tower, if the adapter has one. Such a module gets no true
   * gradient: the tower runs the fused attention, whose output DJL cuts from autograd's graph.
   */
  public java.util.Optional<String> visionModule() {
    return adapters.stream().map(a -> a.module().key()).filter(key -> key.contains("visual")).findFirst();
  }

  /**
   * With gradient checkpointing, also compares each recomputed layer output with the first pass's
   * ({@link #backwardThroughCheckpoints} returns the largest difference): a check for tests, which
   * costs a pass over every layer's output.
   */
  public void verifyRecomputation(boolean on) {
    verifyRecomputation = on;
  }

  /**
   * Carries the backward pass that just reached this step's embeddings on through the decoder layers
   * of every checkpointed embedding since the last call (nothing without checkpointing). Returns,
   * when {@link #verifyRecomputation verifying}, the largest difference between a recomputed layer
   * output and the first pass's, which is 0 when the recomputation drew the same dropout masks
   * ({@link LayerCheckpoints#recomputeDrift}); else 0.
   */
  public double backwardThroughCheckpoints() {
    double drift = 0;
    try {
      for (LayerCheckpoints checkpoints : pending) {
        checkpoints.backward();
        if (verifyRecomputation) {
          drift = Math.max(drift, checkpoints.recomputeDrift());
        }
      }
      return drift;
    } finally {
      pending.forEach(LayerCheckpoints::close);
      pending.clear();
    }
  }

  /** {@link #embed(NDManager, List, Pass)} for evaluation: no dropout (PEFT's model.eval()). */
  public NDArray embed(NDManager into, List<Qwen3VLModel.Sequence> sequences) {
    int[] lengths = sequences.stream().mapToInt(s -> s.ids().length).toArray();
    Attention attend = attention.forLengths(lengths, backbone.config().text(), into, backbone.dtype());
    Qwen3VLModel.Hidden hidden;
    if (checkpointing && LayerCheckpoints.recording()) {
      // the seed of this pass's dropout masks, drawn from the engine's generator (seeded per step)
      int seed;
      try (NDArray draw = into.randomInteger(0, Integer.MAX_VALUE, new Shape(), DataType.INT64)) {
        seed = (int) draw.getLong();
      }
      LayerCheckpoints checkpoints = new LayerCheckpoints(into, seed, verifyRecomputation);
      pending.add(checkpoints);
      hidden = backbone.forward(into, sequences, attend, checkpoints);
    } else {
      hidden = backbone.forward(into, sequences, attend, Set.of(), ForwardTrace.NONE);
    }
    NDArray projected = projection.apply(hidden.lastHidden());
    NDArray unit = projected.div(projected.norm(new int[] {-1}, true));
    int longest = 0;
    for (int length : lengths) {
      longest = Math.max(longest, length);
    }
    long dim = unit.getShape().get(1);
    NDList rows = new NDList();
    int from = 0;
    for (int length : lengths) {
      NDArray own = unit.get(new NDIndex("{}:{}", from, from + length));
      rows.add(length == longest ? own : NDArrays.concat(new NDList(own,
          into.zeros(new Shape(longest - length, dim), unit.getDataType())), 0));
      from += length;
    }
    return NDArrays.stack(rows, 0);
  }

  @Override
  public void close() {
    backbone.close();
  }
}
