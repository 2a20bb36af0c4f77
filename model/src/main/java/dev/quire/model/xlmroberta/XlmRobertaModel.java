package dev.quire.model.xlmroberta;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.CheckpointWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The XLM-RoBERTa encoder ({@code XLMRobertaModel} without its pooler) on DJL's PyTorch engine:
 * embeddings, then {@code num_hidden_layers} post-norm layers; the output is the last hidden
 * state. The pooler and any task head of the checkpoint are not loaded.
 *
 * <pre>{@code
 * TorchRuntime.init();
 * XlmRobertaConfig config = XlmRobertaConfig.read(folder);
 * try (XlmRobertaModel model = XlmRobertaModel.load(config, CheckpointWeights.weightFiles(folder),
 *          Device.cpu(), DataType.FLOAT32);
 *      NDManager batch = model.manager().newSubManager()) {
 *   NDArray hidden = model.forward(batch, List.of(ids1, ids2)); // [2, longest, hidden], pads at the end
 * }
 * }</pre>
 */
public final class XlmRobertaModel implements AutoCloseable {

  private final XlmRobertaConfig config;
  private final CheckpointWeights checkpoint;
  private final NDManager manager;
  private final DataType dtype;
  private final Embeddings embeddings;
  private final List<EncoderLayer> layers;

  private XlmRobertaModel(XlmRobertaConfig config, CheckpointWeights checkpoint, NDManager manager,
      DataType dtype) {
    this.config = config;
    this.checkpoint = checkpoint;
    this.manager = manager;
    this.dtype = dtype;
    Weights weights = new Weights(checkpoint, manager, dtype);
    this.embeddings = new Embeddings(config, weights);
    List<EncoderLayer> list = new ArrayList<>();
    for (int i = 0; i < config.layers(); i++) {
      list.add(new EncoderLayer(config, weights, i));
    }
    this.layers = List.copyOf(list);
  }

  /** Loads the encoder's weights from safetensors files (kept mapped until {@link #close}). */
  public static XlmRobertaModel load(XlmRobertaConfig config, List<Path> weightFiles,
      Device device, DataType dtype) throws IOException {
    TorchRuntime.init();
    CheckpointWeights checkpoint = CheckpointWeights.open(weightFiles);
    NDManager manager = NDManager.newBaseManager(device, "PyTorch");
    try {
      return new XlmRobertaModel(config, checkpoint, manager, dtype);
    } catch (RuntimeException e) {
      manager.close();
      checkpoint.close();
      throw e;
    }
  }

  public XlmRobertaConfig config() {
    return config;
  }

  /** The manager holding the weights; a forward pass runs in a sub-manager of it. */
  public NDManager manager() {
    return manager;
  }

  public DataType dtype() {
    return dtype;
  }

  /**
   * The last hidden state of {@code texts} (token ids, special tokens included, at most
   * {@link XlmRobertaConfig#maxTokens()} each), padded at the end to the longest:
   * [texts, longest, hidden] in {@code batch}. Rows past a text's length are padding's and
   * mean nothing.
   */
  public NDArray forward(NDManager batch, List<long[]> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts");
    }
    int longest = 0;
    int[] lengths = new int[texts.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = texts.get(i).length;
      if (lengths[i] == 0 || lengths[i] > config.maxTokens()) {
        throw new IllegalArgumentException("a text of " + lengths[i] + " tokens (1 to "
            + config.maxTokens() + " fit the position table)");
      }
      longest = Math.max(longest, lengths[i]);
    }
    long[][] ids = new long[texts.size()][longest];
    float[] mask = new float[texts.size() * longest];
    for (int i = 0; i < ids.length; i++) {
      long[] text = texts.get(i);
      for (int t = 0; t < longest; t++) {
        if (t < text.length) {
          if (text[t] < 0 || text[t] >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + text[t] + " is outside the vocabulary of "
                + config.vocabSize());
          }
          ids[i][t] = text[t];
        } else {
          ids[i][t] = config.padTokenId();
          mask[i * longest + t] = -Float.MAX_VALUE;
        }
      }
    }
    try (NDManager scope = batch.newSubManager()) {
      NDArray additive = scope.create(mask, new Shape(texts.size(), 1, 1, longest)).toType(dtype, false);
      NDArray x = embeddings.forward(scope, ids, lengths);
      for (EncoderLayer layer : layers) {
        try (NDScope step = new NDScope()) { // frees the layer's intermediates
          NDArray next = layer.forward(x, additive);
          NDScope.unregister(next);
          x = next;
        }
      }
      x.attach(batch);
      return x;
    }
  }

  @Override
  public void close() {
    manager.close();
    checkpoint.close();
  }
}
