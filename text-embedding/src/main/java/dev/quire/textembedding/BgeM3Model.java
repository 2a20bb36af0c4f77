package dev.quire.textembedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import dev.quire.model.TorchRuntime;
import dev.quire.model.pt.TorchStateDict;
import dev.quire.model.qwen3vl.CheckpointHash;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.xlmroberta.XlmRobertaConfig;
import dev.quire.model.xlmroberta.XlmRobertaModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BGE-M3 from a local Hugging Face folder: XLM-RoBERTa ({@link XlmRobertaModel}, on DJL's PyTorch
 * engine) and its three outputs, as FlagEmbedding's {@code BGEM3FlagModel.encode} computes them
 * (FlagEmbedding 1.4.2, {@code M3Embedder.encode_single_device} and
 * {@code EncoderOnlyEmbedderM3ModelForInference.forward}):
 *
 * <ul>
 *   <li><b>dense</b>: the first token's ({@code <s>}) last hidden state, L2-normalised;
 *   <li><b>sparse</b> (lexical weights): {@code relu(sparse_linear(h))} per token, and per token
 *       id the largest weight over its occurrences, keeping weights above 0 and dropping the
 *       tokenizer's cls, eos, pad and unk tokens;
 *   <li><b>colbert</b>: {@code colbert_linear(h)} of every token after the first ({@code </s>}
 *       included), each row L2-normalised.
 * </ul>
 *
 * <p>The folder: {@code config.json} (model_type xlm-roberta), {@code model.safetensors} (or
 * sharded with its index), {@code tokenizer.json}, {@code colbert_linear.pt} and
 * {@code sparse_linear.pt} ({@code torch.save} of the heads' state_dicts). Texts are truncated to
 * 512 tokens (FlagEmbedding's default), or fewer if the position table is smaller. Thread-safe.
 */
public final class BgeM3Model implements AutoCloseable {

  /** How it runs: device, token limit (0: 512, capped by the position table), texts per batch. */
  public record Options(ComputeDevice device, int maxTokens, int batchSize) {
    public Options {
      if (maxTokens < 0 || batchSize <= 0) {
        throw new IllegalArgumentException("maxTokens must be >= 0 and batchSize > 0");
      }
    }

    public static Options defaults() {
      return new Options(ComputeDevice.AUTO, 0, 8);
    }
  }

  /**
   * One text's outputs.
   *
   * @param ids its token ids, special tokens included
   * @param dense [hidden], L2-normalised
   * @param sparse token id -> weight, in order of first occurrence
   * @param colbert [ids.length - 1][colbert dim], each row L2-normalised
   */
  public record Output(long[] ids, float[] dense, Map<Integer, Float> sparse, float[][] colbert) {}

  /** FlagEmbedding's default max_length. */
  public static final int DEFAULT_MAX_TOKENS = 512;

  private final XlmRobertaModel model;
  private final HuggingFaceTokenizer tokenizer;
  private final NDArray colbertWeight;
  private final NDArray colbertBias;
  private final NDArray sparseWeight;
  private final NDArray sparseBias;
  private final Set<Long> unusedTokens;
  private final int maxTokens;
  private final int batchSize;
  private final String sha256;

  private BgeM3Model(XlmRobertaModel model, HuggingFaceTokenizer tokenizer, Map<String, TorchStateDict.Tensor> colbert,
      Map<String, TorchStateDict.Tensor> sparse, Set<Long> unusedTokens, int maxTokens,
      int batchSize, String sha256) {
    this.model = model;
    this.tokenizer = tokenizer;
    NDManager m = model.manager();
    this.colbertWeight = array(m, colbert.get("weight"));
    this.colbertBias = array(m, colbert.get("bias"));
    this.sparseWeight = array(m, sparse.get("weight"));
    this.sparseBias = array(m, sparse.get("bias"));
    this.unusedTokens = Set.copyOf(unusedTokens);
    this.maxTokens = maxTokens;
    this.batchSize = batchSize;
    this.sha256 = sha256;
  }

  private static NDArray array(NDManager m, TorchStateDict.Tensor t) {
    return m.create(t.data(), new Shape(t.shape()));
  }

  /** Loads a BGE-M3 folder, checking that it holds every file and that the heads fit the model. */
  public static BgeM3Model open(Path folder, Options options) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + " is not a folder (a BGE-M3 checkpoint folder was expected)");
    }
    XlmRobertaConfig config = XlmRobertaConfig.read(folder);
    List<Path> weights;
    if (!Files.isRegularFile(folder.resolve("model.safetensors"))
        && !Files.isRegularFile(folder.resolve("model.safetensors.index.json"))
        && Files.isRegularFile(folder.resolve("pytorch_model.bin"))) {
      throw new IOException(folder + " has only pytorch_model.bin: Quire reads safetensors weights."
          + " Convert once with Python: AutoModel.from_pretrained(folder).save_pretrained(folder,"
          + " safe_serialization=True), or download model.safetensors (BAAI/bge-m3 ships both)");
    }
    weights = CheckpointWeights.weightFiles(folder);
    Path tokenizerJson = require(folder, "tokenizer.json");
    Path colbertFile = require(folder, "colbert_linear.pt");
    Path sparseFile = require(folder, "sparse_linear.pt");
    long hidden = config.hiddenSize();
    Map<String, TorchStateDict.Tensor> colbert = TorchStateDict.read(colbertFile);
    Map<String, TorchStateDict.Tensor> sparse = TorchStateDict.read(sparseFile);
    long colbertDim = checkLinear(colbertFile, colbert, -1, hidden);
    checkLinear(sparseFile, sparse, 1, hidden);
    if (colbertDim <= 0) {
      throw new IOException(colbertFile + " maps to no features");
    }
    int limit = options.maxTokens() > 0 ? options.maxTokens() : DEFAULT_MAX_TOKENS;
    if (limit > config.maxTokens()) {
      limit = config.maxTokens();
    }
    Set<Long> unused = unusedTokens(folder, tokenizerJson);
    List<Path> hashed = new ArrayList<>(weights);
    hashed.addAll(List.of(colbertFile, sparseFile, tokenizerJson));
    String hash = CheckpointHash.of(hashed, List.of(), null);

    Map<String, String> tokenizerOptions = new HashMap<>();
    tokenizerOptions.put("truncation", "true");
    tokenizerOptions.put("maxLength", Integer.toString(limit));
    tokenizerOptions.put("padding", "false");
    tokenizerOptions.put("addSpecialTokens", "true");
    TorchRuntime.init();
    HuggingFaceTokenizer tokenizer;
    try (InputStream in = Files.newInputStream(tokenizerJson)) {
      tokenizer = HuggingFaceTokenizer.newInstance(in, tokenizerOptions);
    } catch (RuntimeException e) {
      throw new IOException(tokenizerJson + " cannot be read by the tokenizers library: " + e.getMessage(), e);
    }
    try {
      XlmRobertaModel model = XlmRobertaModel.load(config, weights,
          TorchRuntime.device(options.device(), Precision.FLOAT32), DataType.FLOAT32);
      try {
        return new BgeM3Model(model, tokenizer, colbert, sparse, unused, limit, options.batchSize(), hash);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  private static Path require(Path folder, String name) throws IOException {
    Path file = folder.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IOException(folder + " has no " + name + " (a BGE-M3 folder holds config.json,"
          + " model.safetensors, tokenizer.json, colbert_linear.pt and sparse_linear.pt)");
    }
    return file;
  }

  /** Checks {weight [out, in], bias [out]}; returns out. {@code out} -1: any. */
  private static long checkLinear(Path file, Map<String, TorchStateDict.Tensor> state, long out,
      long in) throws IOException {
    TorchStateDict.Tensor w = state.get("weight");
    TorchStateDict.Tensor b = state.get("bias");
    if (w == null || b == null || state.size() != 2) {
      throw new IOException(file + " holds " + state.keySet() + ", not a Linear's {weight, bias}");
    }
    long[] ws = w.shape();
    long[] bs = b.shape();
    if (ws.length != 2 || ws[1] != in || (out >= 0 && ws[0] != out) || bs.length != 1 || bs[0] != ws[0]) {
      throw new IOException(file + " has weight " + Arrays.toString(ws) + " and bias "
          + Arrays.toString(bs) + "; the model's hidden size " + in + " needs weight ["
          + (out >= 0 ? out : "n") + ", " + in + "] and bias [" + (out >= 0 ? out : "n") + "]");
    }
    return ws[0];
  }

  /**
   * The ids of the cls, eos, pad and unk tokens (FlagEmbedding's unused tokens of the lexical
   * weights), named by special_tokens_map.json or tokenizer_config.json (XLM-R's names if
   * neither says), looked up in tokenizer.json's added tokens.
   */
  private static Set<Long> unusedTokens(Path folder, Path tokenizerJson) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> names = new LinkedHashMap<>(Map.of("cls_token", "<s>", "eos_token", "</s>",
        "pad_token", "<pad>", "unk_token", "<unk>"));
    for (String file : List.of("tokenizer_config.json", "special_tokens_map.json")) {
      Path path = folder.resolve(file);
      if (Files.isRegularFile(path)) {
        JsonNode node = json.readTree(path.toFile());
        for (String key : List.copyOf(names.keySet())) {
          JsonNode v = node.get(key);
          if (v != null && v.isTextual()) {
            names.put(key, v.asText());
          } else if (v != null && v.has("content")) {
            names.put(key, v.get("content").asText());
          }
        }
      }
    }
    Map<String, Long> ids = new HashMap<>();
    JsonNode spec = json.readTree(tokenizerJson.toFile());
    for (JsonNode added : spec.path("added_tokens")) {
      ids.put(added.path("content").asText(), added.path("id").asLong());
    }
    Set<Long> unused = new HashSet<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      Long id = ids.get(e.getValue());
      if (id == null) {
        throw new IOException(tokenizerJson + " has no added token \"" + e.getValue() + "\" (the "
            + e.getKey() + ")");
      }
      unused.add(id);
    }
    return unused;
  }

  /** The output vector size of the dense head (the hidden size). */
  public int dimension() {
    return model.config().hiddenSize();
  }

  public int colbertDimension() {
    return (int) colbertWeight.getShape().get(0);
  }

  public int maxTokens() {
    return maxTokens;
  }

  /** SHA-256 over the weight files, the two heads and tokenizer.json. */
  public String sha256() {
    return sha256;
  }

  public XlmRobertaConfig config() {
    return model.config();
  }

  /** The ids the model reads of {@code text}: {@code <s> ... </s>}, truncated to the limit. */
  public long[] ids(String text) {
    return tokenizer.encode(text).getIds();
  }

  /** The three outputs of each text, in order; texts run in batches of similar length. */
  public List<Output> encode(List<String> texts) {
    List<long[]> ids = new ArrayList<>(texts.size());
    for (String text : texts) {
      ids.add(ids(text));
    }
    Integer[] order = new Integer[texts.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -ids.get(i).length));
    Output[] out = new Output[texts.size()];
    for (int from = 0; from < order.length; from += batchSize) {
      List<Integer> batch = Arrays.asList(order).subList(from, Math.min(order.length, from + batchSize));
      List<long[]> batchIds = batch.stream().map(ids::get).toList();
      List<Output> outputs = run(batchIds);
      for (int j = 0; j < batch.size(); j++) {
        out[batch.get(j)] = outputs.get(j);
      }
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  /** One padded batch through the model and the three heads. */
  List<Output> run(List<long[]> ids) {
    try (NDManager batch = model.manager().newSubManager()) {
      NDArray hidden = model.forward(batch, ids); // [b, t, h]
      Shape shape = hidden.getShape();
      int b = (int) shape.get(0);
      int t = (int) shape.get(1);
      int h = (int) shape.get(2);
      float[] cls = hidden.get(new NDIndex(":, 0, :")).toFloatArray();
      float[] weights = ai.djl.nn.core.Linear.linear(hidden, sparseWeight, sparseBias).singletonOrThrow()
          .maximum(0f).toFloatArray(); // [b, t]
      int c = colbertDimension();
      float[] colbert = t < 2 ? new float[0]
          : ai.djl.nn.core.Linear.linear(hidden.get(new NDIndex(":, 1:, :")), colbertWeight, colbertBias)
              .singletonOrThrow().toFloatArray(); // [b, t - 1, c]
      List<Output> outputs = new ArrayList<>(b);
      for (int i = 0; i < b; i++) {
        long[] text = ids.get(i);
        float[] dense = normalized(Arrays.copyOfRange(cls, i * h, (i + 1) * h));
        Map<Integer, Float> sparse = new LinkedHashMap<>();
        for (int j = 0; j < text.length; j++) {
          float w = weights[i * t + j];
          if (w > 0 && !unusedTokens.contains(text[j])) {
            sparse.merge((int) text[j], w, Math::max);
          }
        }
        float[][] rows = new float[text.length - 1][];
        for (int j = 0; j < rows.length; j++) {
          int at = (i * (t - 1) + j) * c;
          rows[j] = normalized(Arrays.copyOfRange(colbert, at, at + c));
        }
        outputs.add(new Output(text, dense, Collections.unmodifiableMap(sparse), rows));
      }
      return outputs;
    }
  }

  /** {@code v / max(|v|, 1e-12)}, torch's F.normalize. */
  static float[] normalized(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      tokenizer.close();
    }
  }
}
