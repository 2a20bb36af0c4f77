package dev.quire.encoder.colqwen3;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.quire.model.qwen3vl.ForwardTrace;
import dev.quire.model.qwen3vl.Linear;
import dev.quire.model.qwen3vl.PaddedAttention;
import dev.quire.model.qwen3vl.ProcessedImage;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * ColQwen3: the Qwen3-VL backbone and colpali-engine's head ({@code custom_text_proj}, then L2
 * normalisation), over packed sequences each attending only to itself.
 */
final class ColQwen3Model implements AutoCloseable {

  static final String PROJECTION = "custom_text_proj";

  /** One input: token ids and, for a page, its image (null for a query). */
  record Sequence(int[] ids, ProcessedImage image) {

    Qwen3VLModel.Sequence backbone() {
      return new Qwen3VLModel.Sequence(ids, image == null ? List.of() : List.of(image));
    }
  }

  private final Qwen3VLModel backbone;
  private final Linear projection;
  private final int dimension;

  private ColQwen3Model(Qwen3VLModel backbone) {
    this.backbone = backbone;
    this.projection = backbone.head(PROJECTION);
    this.dimension = Math.toIntExact(projection.weight().getShape().get(0));
  }

  /**
   * Loads a checkpoint (its config and weight files, which the caller has already read for
   * other uses) and a PEFT adapter folder, or null, onto {@code device} in {@code dtype};
   * {@code mergeLora} folds the adapter into the weights, otherwise it stays a separate
   * low-rank path.
   */
  static ColQwen3Model load(Qwen3VLConfig config, List<Path> weightFiles, Path loraFolder,
      boolean mergeLora, Device device, DataType dtype) throws IOException {
    return new ColQwen3Model(Qwen3VLModel.load(config, weightFiles,
        new Qwen3VLModel.Options(loraFolder, mergeLora, device, dtype, List.of(PROJECTION))));
  }

  int dimension() {
    return dimension;
  }

  Qwen3VLModel backbone() {
    return backbone;
  }

  /** Embeddings of each sequence: its length x dimension floats, row-major, unit rows. */
  List<float[]> forward(List<Sequence> sequences, ForwardTrace trace) {
    try (NDManager batch = backbone.manager().newSubManager()) {
      int[] lengths = sequences.stream().mapToInt(s -> s.ids().length).toArray();
      PaddedAttention attention =
          PaddedAttention.causal(lengths, backbone.config().text(), batch, backbone.dtype());
      Qwen3VLModel.Hidden hidden = backbone.forward(batch,
          sequences.stream().map(Sequence::backbone).toList(), attention, Set.of(), trace);
      NDArray projected = projection.apply(hidden.lastHidden()).toType(DataType.FLOAT32, false);
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
    backbone.close();
  }
}
