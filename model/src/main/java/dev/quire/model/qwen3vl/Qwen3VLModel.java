package dev.quire.model.qwen3vl;

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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Qwen3-VL backbone ({@code Qwen3VLModel}: vision tower with DeepStack, M-RoPE text decoder)
 * over packed sequences, on DJL's PyTorch engine. Weights live in one NDManager for the model's
 * lifetime; a forward pass puts its results in the caller's manager. Task heads (a retrieval
 * projection, the language-model head) are modules of the same checkpoint, loaded on request.
 */
public final class Qwen3VLModel implements AutoCloseable {

  /** One input: token ids and the images its image-pad runs stand for, in order (may be empty). */
  public record Sequence(int[] ids, List<ProcessedImage> images) {
    public Sequence {
      Objects.requireNonNull(ids, "ids");
      images = List.copyOf(images);
    }
  }

  /**
   * What a forward pass gives: the final-normed hidden states [tokens, hidden] of all sequences
   * packed row after row, the sequences' lengths, and the outputs of the decoder layers asked for.
   */
  public record Hidden(NDArray lastHidden, int[] lengths, Map<Integer, NDArray> layers) {}

  /**
   * How to load: a PEFT adapter folder or null; {@code mergeLora} folds it into the weights,
   * otherwise each module stays a separate low-rank path; {@code heads} are extra linear modules
   * of the checkpoint to load beside the backbone (e.g. {@code custom_text_proj}).
   */
  public record Options(Path lora, boolean mergeLora, Device device, DataType dtype,
      List<String> heads) {
    public Options {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(dtype, "dtype");
      heads = List.copyOf(heads);
    }
  }

  private final Qwen3VLConfig config;
  private final CheckpointWeights checkpoint;
  private final LoraAdapter adapter;
  private final NDManager manager;
  private final DataType dtype;
  private final WeightLoader weights;
  private final VisionTower vision;
  private final TextDecoder text;
  private final Map<String, Linear> heads = new LinkedHashMap<>();
  private LanguageModelHead lmHead;

  private Qwen3VLModel(Qwen3VLConfig config, CheckpointWeights checkpoint, LoraAdapter adapter,
      NDManager manager, Options options) {
    this.config = config;
    this.checkpoint = checkpoint;
    this.adapter = adapter;
    this.manager = manager;
    this.dtype = options.dtype();
    this.weights = new WeightLoader(checkpoint, adapter, options.mergeLora(), manager, dtype);
    this.vision = new VisionTower(config.vision(), weights);
    this.text = new TextDecoder(config.text(), weights);
    for (String head : options.heads()) {
      heads.put(head, loadHead(head));
    }
    // an adapter naming modules nobody loaded belongs to another model (lm_head is not adapted)
    if (!weights.unusedAdapterModules().isEmpty()) {
      throw new IllegalArgumentException("the LoRA adapter in " + adapter.folder()
          + " targets modules this model does not have: " + weights.unusedAdapterModules());
    }
  }

  /**
   * Loads a checkpoint's weights ({@link CheckpointWeights#weightFiles}, which the caller may
   * have read for other uses) and the adapter of {@code options}. Errors name the file and what
   * is wrong.
   */
  public static Qwen3VLModel load(Qwen3VLConfig config, List<Path> weightFiles, Options options)
      throws IOException {
    CheckpointWeights checkpoint = CheckpointWeights.open(weightFiles);
    LoraAdapter adapter = null;
    NDManager manager = null;
    try {
      adapter = options.lora() == null ? null : LoraAdapter.open(options.lora());
      manager = NDManager.newBaseManager(options.device(), "PyTorch");
      return new Qwen3VLModel(config, checkpoint, adapter, manager, options);
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

  private Linear loadHead(String name) {
    // the output size and bias come from the tensors: configs record neither
    long[] shape = checkpoint.tensor(name + ".weight").shape();
    if (shape.length != 2 || shape[1] != config.text().hiddenSize()) {
      throw new IllegalArgumentException(name + ".weight has shape " + Arrays.toString(shape)
          + ", expected [out, " + config.text().hiddenSize() + "]");
    }
    return weights.linear(shape[1], new long[] {shape[0]}, checkpoint.has(name + ".bias"), name);
  }

  public Qwen3VLConfig config() {
    return config;
  }

  public DataType dtype() {
    return dtype;
  }

  /** The manager the weights live in: forward passes run in sub-managers of it. */
  public NDManager manager() {
    return manager;
  }

  /** A head loaded with {@link Options#heads}. */
  public Linear head(String name) {
    Linear head = heads.get(name);
    if (head == null) {
      throw new IllegalArgumentException("head " + name + " was not loaded; loaded: " + heads.keySet());
    }
    return head;
  }

  /**
   * The language-model head, loaded on first use: the token embedding table when
   * {@code tie_word_embeddings}, else the checkpoint's {@code lm_head.weight} (a retrieval
   * checkpoint may have dropped it: then this says so). Retrieval never calls it, so an encoder
   * holds no head in memory.
   */
  public synchronized LanguageModelHead lmHead() {
    if (lmHead == null) {
      lmHead = loadLmHead(LanguageModelHead.CHUNK_ROWS);
    }
    return lmHead;
  }

  /** A new head held in blocks of {@code chunkRows} rows. */
  LanguageModelHead loadLmHead(int chunkRows) {
    long vocab = config.text().vocabSize();
    long hidden = config.text().hiddenSize();
    String name;
    if (config.tieWordEmbeddings()) {
      name = "language_model.embed_tokens.weight";
    } else if (checkpoint.has("lm_head.weight")) {
      name = "lm_head.weight";
    } else {
      throw new IllegalArgumentException("the checkpoint has no lm_head.weight and does not tie"
          + " word embeddings: it cannot produce token logits");
    }
    return new LanguageModelHead(weights.loadRows(name, vocab, hidden, chunkRows));
  }

  /** The unmerged LoRA modules, in load order: empty when merged or without adapter. */
  public List<Linear.LowRank> adapters() {
    return weights.adapters();
  }

  /** {@link #forward(NDManager, List, Attention, Set, ForwardTrace)} keeping no layer output. */
  public Hidden forward(NDManager into, List<Sequence> sequences, Attention attention) {
    return forward(into, sequences, attention, Set.of(), ForwardTrace.NONE);
  }

  /**
   * Runs the backbone over {@code sequences} packed row after row, each with the M-RoPE
   * positions transformers' {@code get_rope_index} gives it, the image pad rows taking the
   * vision tower's merged tokens (and DeepStack features) in order. {@code attention} says what
   * each row sees, e.g. {@link PaddedAttention#causal} over the sequences' lengths. Results
   * belong to {@code into}; intermediates are freed before return.
   */
  public Hidden forward(NDManager into, List<Sequence> sequences, Attention attention,
      Set<Integer> keepLayers, ForwardTrace trace) {
    return run(into, sequences, new int[sequences.size()], attention, keepLayers, trace, false, null).hidden();
  }

  /**
   * {@link #forward(NDManager, List, Attention)} with gradient checkpointing per decoder layer: the
   * vision tower and the layers run without an autograd graph, the last hidden state is
   * differentiable from the last layer's output only, and {@link LayerCheckpoints#backward} carries
   * a backward pass on through the layers. Nothing before the decoder's layers can be trained this way.
   */
  public Hidden forward(NDManager into, List<Sequence> sequences, Attention attention, LayerCheckpoints checkpoints) {
    return run(into, sequences, new int[sequences.size()], attention, Set.of(), ForwardTrace.NONE, false,
        java.util.Objects.requireNonNull(checkpoints, "checkpoints")).hidden();
  }

  /** An empty key/value cache for {@code sequences} sequences of this model. */
  public KvCache newCache(int sequences) {
    return new KvCache(config.text(), sequences, manager, dtype);
  }

  /**
   * Runs {@code sequences} (one per sequence of {@code cache}, in order) through the backbone
   * and keeps their keys and values in {@code cache}: the prompt of a generation, or its
   * continuation when the cache holds tokens already (positions go on from each sequence's
   * {@link KvCache#nextPosition}). A sequence may be empty. Returns the new rows' hidden states,
   * as {@link #forward} does.
   */
  public Hidden prefill(NDManager into, List<Sequence> sequences, KvCache cache) {
    return extend(into, sequences, cache, false);
  }

  /**
   * One decoding step: token {@code tokens[s]} appended to each sequence {@code s} of
   * {@code cache}, at its next position. Returns the final-normed hidden state of each new
   * token, [sequences, hidden], in {@code into}. A generated token is text even when it is the
   * image pad id (a model may emit it): it takes the next position and its own embedding, as in
   * transformers, where decoding steps carry no pixels.
   */
  public NDArray step(NDManager into, int[] tokens, KvCache cache) {
    List<Sequence> next = new ArrayList<>(tokens.length);
    for (int token : tokens) {
      next.add(new Sequence(new int[] {token}, List.of()));
    }
    return extend(into, next, cache, true).lastHidden();
  }

  private Hidden extend(NDManager into, List<Sequence> sequences, KvCache cache, boolean text) {
    if (sequences.size() != cache.sequences()) {
      throw new IllegalArgumentException("the cache holds " + cache.sequences()
          + " sequences, the " + (text ? "step" : "prefill") + " has " + sequences.size());
    }
    int[] starts = new int[sequences.size()];
    int[] rows = new int[sequences.size()];
    for (int s = 0; s < starts.length; s++) {
      starts[s] = cache.nextPosition(s);
      rows[s] = sequences.get(s).ids().length;
    }
    cache.begin(rows);
    try {
      Run run = run(into, sequences, starts, cache, Set.of(), ForwardTrace.NONE, text, null);
      cache.commit(run.next());
      return run.hidden();
    } catch (RuntimeException e) {
      cache.abort();
      throw e;
    }
  }

  /** A pass's hidden states and the position each sequence's next token takes. */
  private record Run(Hidden hidden, int[] next) {}

  /** {@code textOnly}: every id is a text token (decoding steps), image pad ids included. */
  private Run run(NDManager into, List<Sequence> sequences, int[] starts, Attention attention,
      Set<Integer> keepLayers, ForwardTrace trace, boolean textOnly, LayerCheckpoints checkpoints) {
    for (int layer : keepLayers) {
      if (layer < 0 || layer >= config.text().layers()) {
        throw new IllegalArgumentException("layer " + layer + " is outside 0.."
            + (config.text().layers() - 1));
      }
    }
    int tokens = 0;
    for (Sequence s : sequences) {
      tokens += s.ids().length;
    }
    int[] ids = new int[tokens];
    int[] lengths = new int[sequences.size()];
    int[] next = new int[sequences.size()];
    int[][] positions = new int[3][tokens];
    List<ProcessedImage> images = new ArrayList<>();
    List<Long> imageRows = new ArrayList<>();
    int at = 0;
    int merge = config.vision().mergeSize();
    for (int i = 0; i < sequences.size(); i++) {
      Sequence s = sequences.get(i);
      int[][] grids = s.images().stream().map(ProcessedImage::grid).toArray(int[][]::new);
      images.addAll(s.images());
      // -1 is no token id: with it, every id takes the next text position
      Positions.Text own = Positions.text(s.ids(), textOnly ? -1 : config.imageTokenId(), grids, merge,
          starts[i]);
      for (int axis = 0; axis < 3; axis++) {
        System.arraycopy(own.axes()[axis], 0, positions[axis], at, s.ids().length);
      }
      next[i] = own.next();
      for (int j = 0; j < s.ids().length; j++) {
        if (!textOnly && s.ids()[j] == config.imageTokenId()) {
          imageRows.add((long) at + j);
        }
      }
      System.arraycopy(s.ids(), 0, ids, at, s.ids().length);
      lengths[i] = s.ids().length;
      at += s.ids().length;
    }
    try (NDManager batch = into.newSubManager()) {
      NDArray x = embed(batch, ids);
      NDArray[] deepstack = new NDArray[0];
      long[] rows = imageRows.stream().mapToLong(Long::longValue).toArray();
      if (!images.isEmpty()) {
        VisionTower.Output seen = checkpoints == null ? vision.forward(images, batch, dtype, trace)
            : LayerCheckpoints.withoutGraph(() -> vision.forward(images, batch, dtype, trace));
        if (seen.merged().getShape().get(0) != rows.length) {
          throw new IllegalArgumentException("the images give " + seen.merged().getShape().get(0)
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
      Map<Integer, NDArray> kept = new TreeMap<>();
      NDArray hidden = text.forward(x, attention, positions, deepstack, rows, keepLayers, kept, trace, checkpoints);
      hidden.attach(into);
      kept.values().forEach(array -> array.attach(into));
      return new Run(new Hidden(hidden, lengths, Collections.unmodifiableMap(kept)), next);
    }
  }

  /** The token embeddings of {@code ids} as [tokens, hidden] rows in the model's dtype. */
  private NDArray embed(NDManager batch, int[] ids) {
    return batch.create(text.embed(ids), new Shape(ids.length, config.text().hiddenSize()))
        .toType(dtype, false);
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
