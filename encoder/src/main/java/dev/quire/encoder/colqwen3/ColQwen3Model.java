package dev.quire.encoder.colqwen3;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ColQwen3: the Qwen3-VL backbone (vision tower, text decoder) and colpali-engine's head
 * ({@code custom_text_proj}, then L2 normalisation), over packed sequences. Weights live in one
 * NDManager for the model's lifetime; each forward runs in a sub-manager closed at its end.
 */
final class ColQwen3Model implements AutoCloseable {

  /** One input: token ids and, for a page, its image (null for a query). */
  record Sequence(int[] ids, ProcessedImage image) {}

  private final ModelConfig config;
  private final CheckpointWeights checkpoint;
  private final LoraAdapter adapter;
  private final NDManager manager;
  private final DataType dtype;
  private final VisionTower vision;
  private final TextDecoder text;
  private final Linear projection;
  private final int dimension;

  private ColQwen3Model(ModelConfig config, CheckpointWeights checkpoint, LoraAdapter adapter,
      NDManager manager, DataType dtype, boolean mergeLora) {
    this.config = config;
    this.checkpoint = checkpoint;
    this.adapter = adapter;
    this.manager = manager;
    this.dtype = dtype;
    WeightLoader weights = new WeightLoader(checkpoint, adapter, mergeLora, manager, dtype);
    this.vision = new VisionTower(config.vision(), weights);
    this.text = new TextDecoder(config.text(), weights);
    // the output size and bias come from the tensors: colpali's config records neither
    long[] shape = checkpoint.tensor("custom_text_proj.weight").shape();
    if (shape.length != 2 || shape[1] != config.text().hiddenSize()) {
      throw new IllegalArgumentException("custom_text_proj.weight has shape "
          + Arrays.toString(shape) + ", expected [dim, " + config.text().hiddenSize() + "]");
    }
    this.dimension = Math.toIntExact(shape[0]);
    this.projection = weights.linear(shape[1], new long[] {shape[0]},
        checkpoint.has("custom_text_proj.bias"), "custom_text_proj");
    if (!weights.unusedAdapterModules().isEmpty()) {
      throw new IllegalArgumentException("the LoRA adapter in " + adapter.folder()
          + " targets modules this model does not have: " + weights.unusedAdapterModules());
    }
  }

  /**
   * Loads a checkpoint (its config and {@linkplain CheckpointWeights#weightFiles weight files},
   * which the caller has already read for other uses) and a PEFT adapter folder, or null, onto
   * {@code device} in {@code dtype}; {@code mergeLora} folds the adapter into the weights,
   * otherwise it stays a separate low-rank path.
   */
  static ColQwen3Model load(ModelConfig config, List<Path> weightFiles, Path loraFolder,
      boolean mergeLora, Device device, DataType dtype) throws IOException {
    CheckpointWeights checkpoint = CheckpointWeights.open(weightFiles);
    LoraAdapter adapter = null;
    NDManager manager = null;
    try {
      adapter = loraFolder == null ? null : LoraAdapter.open(loraFolder);
      manager = NDManager.newBaseManager(device, "PyTorch");
      return new ColQwen3Model(config, checkpoint, adapter, manager, dtype, mergeLora);
    } catch (IOException | RuntimeException e) {
      if (manager != null) {
        manager.close();
      }
      if (adapter != null) {
        adapter.close();
      }
      checkpoint.close();
      throw e;
    }
  }

  int dimension() {
    return dimension;
  }

  NDManager manager() {
    return manager;
  }

  /** Embeddings of each sequence: its length x dimension floats, row-major, unit rows. */
  List<float[]> forward(List<Sequence> sequences, Trace trace) {
    try (NDManager batch = manager.newSubManager()) {
      int tokens = 0;
      for (Sequence s : sequences) {
        tokens += s.ids().length;
      }
      int[] ids = new int[tokens];
      int[] lengths = new int[sequences.size()];
      int[][] positions = new int[3][tokens];
      List<ProcessedImage> images = new ArrayList<>();
      List<Long> imageRows = new ArrayList<>();
      int at = 0;
      int merge = config.vision().mergeSize();
      for (int i = 0; i < sequences.size(); i++) {
        Sequence s = sequences.get(i);
        int[][] grids = s.image() == null ? new int[0][] : new int[][] {s.image().grid()};
        if (s.image() != null) {
          images.add(s.image());
        }
        int[][] own = Positions.text(s.ids(), config.imageTokenId(), grids, merge);
        for (int axis = 0; axis < 3; axis++) {
          System.arraycopy(own[axis], 0, positions[axis], at, s.ids().length);
        }
        for (int j = 0; j < s.ids().length; j++) {
          if (s.ids()[j] == config.imageTokenId()) {
            imageRows.add((long) at + j);
          }
        }
        System.arraycopy(s.ids(), 0, ids, at, s.ids().length);
        lengths[i] = s.ids().length;
        at += s.ids().length;
      }
      NDArray x = batch.create(text.embed(ids), new Shape(tokens, config.text().hiddenSize()))
          .toType(dtype, false);
      NDArray[] deepstack = new NDArray[0];
      long[] rows = imageRows.stream().mapToLong(Long::longValue).toArray();
      if (!images.isEmpty()) {
        VisionTower.Output seen = vision.forward(images, batch, dtype, trace);
        if (seen.merged().getShape().get(0) != rows.length) {
          throw new IllegalStateException("the images give " + seen.merged().getShape().get(0)
              + " tokens for " + rows.length + " image pad tokens");
        }
        // image pad rows take the merged image tokens in order (masked_scatter)
        long[] source = new long[tokens];
        for (int n = 0; n < tokens; n++) {
          source[n] = n;
        }
        for (int r = 0; r < rows.length; r++) {
          source[Math.toIntExact(rows[r])] = tokens + r;
        }
        NDArray table = NDArrays.concat(new NDList(x, seen.merged().toType(dtype, false)), 0);
        x = Layers.gatherRows(batch.create(source, new Shape(tokens)), table);
        deepstack = seen.deepstack();
      }
      trace.record("text.inputs_embeds", x);
      NDArray hidden = text.forward(x, lengths, positions, deepstack, rows, trace);
      NDArray projected = projection.apply(hidden).toType(DataType.FLOAT32, false);
      NDArray embeddings = projected.div(projected.norm(new int[] {-1}, true));
      trace.record("embeddings", embeddings);
      float[] all = embeddings.toFloatArray();
      List<float[]> out = new ArrayList<>(sequences.size());
      int from = 0;
      for (int length : lengths) {
        out.add(Arrays.copyOfRange(all, from * dimension, (from + length) * dimension));
        from += length;
      }
      return out;
    }
  }

  @Override
  public void close() {
    manager.close();
    if (adapter != null) {
      adapter.close();
    }
    checkpoint.close();
  }
}
