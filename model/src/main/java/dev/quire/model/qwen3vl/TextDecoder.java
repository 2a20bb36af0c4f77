package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.Set;

/**
 * The Qwen3 text decoder of Qwen3-VL ({@code Qwen3VLTextModel}) over packed sequences: every
 * row of the batch is a real token (there is no padding) and projections run over all rows at
 * once; what each row attends to is the caller's {@link Attention} (for packed sequences, each
 * under a causal mask: {@link PaddedAttention}), so a sequence's result does not depend on what
 * else is in the batch. Layers: RMSNorm, q/k
 * RMSNorm per head before interleaved M-RoPE, grouped key/value heads, SiLU-gated MLP; DeepStack
 * features are added to the image rows after the first layers; a final RMSNorm.
 */
final class TextDecoder {

  /**
   * One layer's weights. {@code qkNorm} [heads + kvHeads, headDim] holds q_norm's weight for
   * each query head (times the attention scale, which commutes with RoPE) and k_norm's for each
   * key head, so one RMSNorm and one rotation serve queries and keys.
   */
  private record Layer(NDArray inputNorm, Linear qkv, NDArray qkNorm, Linear o,
      NDArray postNorm, Linear gateUp, Linear down) {}

  private final Qwen3VLConfig.Text config;
  private final TokenEmbeddings embeddings;
  private final Layer[] layers;
  private final NDArray finalNorm;
  private final float[] inverseFrequencies;
  private final int[] axes;
  private final float eps;

  TextDecoder(Qwen3VLConfig.Text config, WeightLoader weights) {
    this.config = config;
    long h = config.hiddenSize();
    long q = (long) config.heads() * config.headDim();
    long kv = (long) config.kvHeads() * config.headDim();
    long inner = config.intermediateSize();
    float scale = (float) Math.pow(config.headDim(), -0.5);
    this.embeddings = new TokenEmbeddings(
        weights.checkpoint().tensor("language_model.embed_tokens.weight", config.vocabSize(), h));
    this.layers = new Layer[config.layers()];
    for (int i = 0; i < layers.length; i++) {
      String p = "language_model.layers." + i + ".";
      NDArray qNorm = weights.load(p + "self_attn.q_norm.weight", config.headDim());
      NDArray kNorm = weights.load(p + "self_attn.k_norm.weight", config.headDim());
      NDList norms = new NDList();
      for (int head = 0; head < config.heads(); head++) {
        norms.add(qNorm.mul(scale).expandDims(0));
      }
      for (int head = 0; head < config.kvHeads(); head++) {
        norms.add(kNorm.expandDims(0));
      }
      layers[i] = new Layer(
          weights.load(p + "input_layernorm.weight", h),
          weights.linear(h, new long[] {q, kv, kv}, false,
              p + "self_attn.q_proj", p + "self_attn.k_proj", p + "self_attn.v_proj"),
          NDArrays.concat(norms, 0),
          weights.linear(q, new long[] {h}, false, p + "self_attn.o_proj"),
          weights.load(p + "post_attention_layernorm.weight", h),
          weights.linear(h, new long[] {inner, inner}, false, p + "mlp.gate_proj", p + "mlp.up_proj"),
          weights.linear(inner, new long[] {h}, false, p + "mlp.down_proj"));
      norms.close(); // the concatenation is a copy; the scaled rows were temporaries
    }
    this.finalNorm = weights.load("language_model.norm.weight", h);
    this.inverseFrequencies = Positions.inverseFrequencies(config.ropeTheta(), config.headDim());
    this.axes = Positions.mropeAxes(config.headDim() / 2, config.mropeSection());
    this.eps = (float) config.rmsEps();
  }

  /** Token embeddings of packed ids, as float32 rows. */
  float[] embed(int[] ids) {
    float[] rows = new float[ids.length * embeddings.hidden()];
    embeddings.lookup(ids, rows);
    return rows;
  }

  /**
   * Runs the decoder over rows {@code x} [tokens, hidden] with M-RoPE {@code positions}
   * [3][tokens]; {@code deepstack} (may be empty) are added to the rows {@code imageRows} after
   * layers 0, 1, ... Returns the final-normed rows; the outputs of the layers in {@code keep}
   * (before any DeepStack addition, as transformers records them) go into {@code kept}.
   */
  NDArray forward(NDArray x, Attention attention, int[][] positions, NDArray[] deepstack,
      long[] imageRows, Set<Integer> keep, Map<Integer, NDArray> kept, ForwardTrace trace) {
    return forward(x, attention, positions, deepstack, imageRows, keep, kept, trace, null);
  }

  /**
   * As above; with {@code checkpoints}, the layers run without a graph and keep their inputs
   * there, and the result is differentiable from the last layer's output only ({@link LayerCheckpoints}).
   */
  NDArray forward(NDArray x, Attention attention, int[][] positions, NDArray[] deepstack,
      long[] imageRows, Set<Integer> keep, Map<Integer, NDArray> kept, ForwardTrace trace,
      LayerCheckpoints checkpoints) {
    NDManager manager = x.getManager();
    int tokens = Math.toIntExact(x.getShape().get(0));
    int headDim = config.headDim();
    float[] cos = new float[tokens * headDim];
    float[] sin = new float[tokens * headDim];
    Positions.textRotary(positions, tokens, inverseFrequencies, axes, cos, sin);
    DataType dtype = x.getDataType();
    // Copies libtorch owns: an array made from Java data views a direct buffer that is freed
    // after the array is closed (at the end of the forward pass), while autograd keeps the
    // rotary tables to differentiate the queries and keys until the backward pass.
    NDArray cosTable = libtorchOwned(manager.create(cos, new Shape(tokens, 1, headDim)), dtype);
    NDArray sinTable = libtorchOwned(manager.create(sin, new Shape(tokens, 1, headDim)), dtype);
    NDArray deepstackRows = null;
    if (deepstack.length > 0) {
      // row r of the image rows takes deepstack row r; every other row takes the zero row 0
      long[] source = new long[tokens];
      for (int r = 0; r < imageRows.length; r++) {
        source[Math.toIntExact(imageRows[r])] = r + 1;
      }
      deepstackRows = manager.create(source, new Shape(tokens));
    }
    if (checkpoints != null) {
      checkpoints.begin(this, attention, cosTable, sinTable);
    }
    boolean xKept = false;
    for (int i = 0; i < layers.length; i++) {
      // a layer's intermediates are freed when it ends, not when the batch does
      try (NDScope scope = new NDScope()) {
        NDArray next;
        if (checkpoints == null) {
          next = layer(i, layers[i], x, attention, cosTable, sinTable);
        } else {
          int index = i;
          NDArray input = x;
          checkpoints.keepInput(i, x);
          checkpoints.seed(i);
          next = LayerCheckpoints.withoutGraph(() -> layer(index, layers[index], input, attention, cosTable, sinTable));
          if (i < deepstack.length) {
            checkpoints.keepOutput(i, next);
          }
        }
        trace.record("text.layer" + i + ".out", next);
        if (keep.contains(i)) {
          NDScope.unregister(next);
          kept.put(i, next);
        }
        if (i < deepstack.length) {
          NDArray zero = manager.zeros(new Shape(1, next.getShape().get(1)), dtype);
          NDArray table = NDArrays.concat(new NDList(zero, deepstack[i].toType(dtype, false)), 0);
          next = next.add(Layers.gatherRows(deepstackRows, table));
        }
        NDScope.unregister(next);
        if (i + 1 < layers.length) {
          trace.record("text.layer" + (i + 1) + ".in", next);
        }
        if (!xKept) {
          x.close();
        }
        // a kept output that took no DeepStack addition is the next layer's input: not closed
        xKept = keep.contains(i) && i >= deepstack.length;
        x = next;
      }
    }
    if (checkpoints != null) {
      x = checkpoints.leaf(x);
    }
    x = Layers.rmsNorm(x, finalNorm, eps);
    trace.record("text.last_hidden_state", x);
    return x;
  }

  private static NDArray libtorchOwned(NDArray fromJava, DataType dtype) {
    try (fromJava) {
      return fromJava.toType(dtype, false).duplicate();
    }
  }

  /** Layer {@code index} over {@code x}, as the forward pass runs it (a checkpoint's recomputation). */
  NDArray layer(int index, NDArray x, Attention attention, NDArray cos, NDArray sin) {
    return layer(index, layers[index], x, attention, cos, sin);
  }

  private NDArray layer(int index, Layer layer, NDArray x, Attention attention, NDArray cos,
      NDArray sin) {
    long tokens = x.getShape().get(0);
    int heads = config.heads();
    int kvHeads = config.kvHeads();
    int headDim = config.headDim();
    long qWidth = (long) heads * headDim;
    long qkWidth = (long) (heads + kvHeads) * headDim;
    NDArray h = Layers.rmsNorm(x, layer.inputNorm, eps);
    NDArray qkv = layer.qkv.apply(h);
    NDArray qk = qkv.get(new NDIndex(":, :{}", qkWidth)).reshape(tokens, heads + kvHeads, headDim);
    qk = Layers.rotary(Layers.rmsNorm(qk, layer.qkNorm, eps), cos, sin);
    NDArray q = qk.get(new NDIndex(":, :{}", heads));
    NDArray k = qk.get(new NDIndex(":, {}:", heads));
    NDArray v = qkv.get(new NDIndex(":, {}:", qkWidth)).reshape(tokens, kvHeads, headDim);

    NDArray attended = attention.attend(index, q, k, v, 1f); // the scale is in q's norm weight
    x = x.add(layer.o.apply(attended));
    NDArray m = Layers.rmsNorm(x, layer.postNorm, eps);
    NDArray gateUp = layer.gateUp.apply(m);
    long inner = config.intermediateSize();
    NDArray gate = gateUp.get(new NDIndex(":, :{}", inner));
    NDArray up = gateUp.get(new NDIndex(":, {}:", inner));
    return x.add(layer.down.apply(Layers.silu(gate).mul(up)));
  }
}
