package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The Qwen3-VL vision tower ({@code Qwen3VLVisionModel}): patch embedding (the Conv3d as a
 * linear map over flattened patches), interpolated learned positions, 2D rotary attention blocks
 * with full attention inside each image and none across images, the 2x2 patch merger and the
 * DeepStack mergers that tap the blocks listed in {@code deepstack_visual_indexes}.
 */
final class VisionTower {

  /** The merged image tokens and one DeepStack feature per tapped block, for all images packed. */
  record Output(NDArray merged, NDArray[] deepstack) {}

  private record Block(NDArray norm1Weight, NDArray norm1Bias, Linear qkv, Linear proj,
      NDArray norm2Weight, NDArray norm2Bias, Linear fc1, Linear fc2) {}

  private record Merger(NDArray normWeight, NDArray normBias, Linear fc1, Linear fc2,
      boolean normAfterShuffle) {}

  private static final float LAYER_NORM_EPS = 1e-6f;

  private final Qwen3VLConfig.Vision config;
  private final Linear patchEmbed;
  private final NDArray positionTable;
  private final Block[] blocks;
  private final Merger merger;
  private final Merger[] deepstack;
  private final float[] inverseFrequencies;
  private final float scale;

  VisionTower(Qwen3VLConfig.Vision config, WeightLoader weights) {
    this.config = config;
    long h = config.hiddenSize();
    long inner = config.intermediateSize();
    long merged = h * config.mergeSize() * config.mergeSize();
    // Conv3d [hidden, 3, T, P, P] with stride = kernel is a matrix product with the flattened
    // kernel: the patch rows are flattened in the same (channel, t, y, x) order.
    NDArray conv = weights.load("visual.patch_embed.proj.weight", h, 3, config.temporalPatchSize(),
        config.patchSize(), config.patchSize());
    NDArray convBias = weights.load("visual.patch_embed.proj.bias", h);
    this.patchEmbed = new Linear(conv.reshape(h, config.patchDim()), convBias, List.of());
    int side = config.positionSide();
    this.positionTable = weights.load("visual.pos_embed.weight", (long) side * side, h);
    this.blocks = new Block[config.depth()];
    for (int i = 0; i < blocks.length; i++) {
      String p = "visual.blocks." + i + ".";
      blocks[i] = new Block(
          weights.load(p + "norm1.weight", h), weights.load(p + "norm1.bias", h),
          weights.linear(h, new long[] {3 * h}, true, p + "attn.qkv"),
          weights.linear(h, new long[] {h}, true, p + "attn.proj"),
          weights.load(p + "norm2.weight", h), weights.load(p + "norm2.bias", h),
          weights.linear(h, new long[] {inner}, true, p + "mlp.linear_fc1"),
          weights.linear(inner, new long[] {h}, true, p + "mlp.linear_fc2"));
    }
    this.merger = merger(weights, "visual.merger.", h, merged, false);
    this.deepstack = new Merger[config.deepstackIndexes().length];
    for (int i = 0; i < deepstack.length; i++) {
      deepstack[i] = merger(weights, "visual.deepstack_merger_list." + i + ".", merged, merged, true);
    }
    this.inverseFrequencies = Positions.inverseFrequencies(config.ropeTheta(), config.headDim() / 2);
    this.scale = (float) Math.pow(config.headDim(), -0.5);
  }

  private Merger merger(WeightLoader weights, String p, long normSize, long merged, boolean post) {
    return new Merger(weights.load(p + "norm.weight", normSize), weights.load(p + "norm.bias", normSize),
        weights.linear(merged, new long[] {merged}, true, p + "linear_fc1"),
        weights.linear(merged, new long[] {config.outHiddenSize()}, true, p + "linear_fc2"),
        post);
  }

  Output forward(List<ProcessedImage> images, NDManager manager, DataType dtype, ForwardTrace trace) {
    int patches = images.stream().mapToInt(ProcessedImage::patchCount).sum();
    int patchDim = config.patchDim();
    int headDim = config.headDim();
    float[] pixels = new float[patches * patchDim];
    long[] tapIndices = new long[patches * 4];
    float[] tapWeights = new float[patches * 4];
    float[] cos = new float[patches * headDim];
    float[] sin = new float[patches * headDim];
    int[] lengths = new int[images.size()];
    int row = 0;
    for (int i = 0; i < images.size(); i++) {
      ProcessedImage image = images.get(i);
      if (image.patchDim() != patchDim) {
        throw new IllegalArgumentException("image patches hold " + image.patchDim()
            + " floats, the vision tower expects " + patchDim);
      }
      System.arraycopy(image.patches(), 0, pixels, row * patchDim, image.patches().length);
      int[][] rowCol = Positions.patches(image.gridT(), image.gridH(), image.gridW(), config.mergeSize());
      Positions.interpolation(rowCol, image.gridH(), image.gridW(), config.positionSide(),
          tapIndices, tapWeights, row);
      Positions.visionRotary(rowCol, inverseFrequencies, cos, sin, row);
      lengths[i] = image.patchCount();
      row += lengths[i];
    }
    NDArray x = patchEmbed.apply(manager.create(pixels, new Shape(patches, patchDim)).toType(dtype, false));
    trace.record("vision.patch_embed", x);
    NDArray taps = Layers.gatherRows(manager.create(tapIndices, new Shape(patches, 4)), positionTable);
    NDArray weights = manager.create(tapWeights, new Shape(patches, 4, 1)).toType(dtype, false);
    x = x.add(taps.mul(weights).sum(new int[] {1}));
    trace.record("vision.embeddings", x);
    PaddedAttention attention = new PaddedAttention(lengths, false, config.heads(),
        config.heads(), headDim, manager, dtype);
    // broadcast over (q or k, head)
    NDArray cosTable = manager.create(cos, new Shape(patches, 1, 1, headDim));
    NDArray sinTable = manager.create(sin, new Shape(patches, 1, 1, headDim));

    NDArray[] features = new NDArray[deepstack.length];
    int[] tapped = config.deepstackIndexes();
    for (int b = 0; b < blocks.length; b++) {
      // a block's intermediates are freed when it ends, not when the batch does
      try (NDScope scope = new NDScope()) {
        NDArray next = block(b, blocks[b], x, cosTable, sinTable, attention);
        NDScope.unregister(next);
        if (b == 0) {
          trace.record("vision.block0", next);
        }
        for (int d = 0; d < tapped.length; d++) {
          if (tapped[d] == b) {
            features[d] = merge(deepstack[d], next);
            NDScope.unregister(features[d]);
            trace.record("vision.deepstack." + d, features[d]);
          }
        }
        x.close();
        x = next;
      }
    }
    trace.record("vision.last_hidden_state", x);
    NDArray merged = merge(merger, x);
    trace.record("vision.merged", merged);
    return new Output(merged, features);
  }

  private NDArray block(int index, Block block, NDArray x, NDArray cos, NDArray sin,
      Attention attention) {
    long patches = x.getShape().get(0);
    int heads = config.heads();
    int headDim = config.headDim();
    NDArray h = Layers.layerNorm(x, block.norm1Weight, block.norm1Bias, LAYER_NORM_EPS);
    NDArray qkv = block.qkv.apply(h).reshape(patches, 3, heads, headDim);
    DataType dtype = x.getDataType();
    // rotary of queries and keys together, in float32 as apply_rotary_pos_emb_vision
    NDArray qk = Layers.rotary(qkv.get(new NDIndex(":, :2")).toType(DataType.FLOAT32, false), cos, sin)
        .toType(dtype, false);
    NDArray q = qk.get(new NDIndex(":, 0"));
    NDArray k = qk.get(new NDIndex(":, 1"));
    NDArray v = qkv.get(new NDIndex(":, 2"));
    NDArray attended = attention.attend(index, q, k, v, scale);
    x = x.add(block.proj.apply(attended));
    NDArray m = Layers.layerNorm(x, block.norm2Weight, block.norm2Bias, LAYER_NORM_EPS);
    return x.add(block.fc2.apply(Layers.geluTanh(block.fc1.apply(m))));
  }

  /** 2x2 merge: each 4 consecutive patch rows (one block) become one row, normed before or after. */
  private NDArray merge(Merger merger, NDArray x) {
    long rows = x.getShape().get(0) / ((long) config.mergeSize() * config.mergeSize());
    long width = x.getShape().get(1) * config.mergeSize() * config.mergeSize();
    NDArray shuffled;
    if (merger.normAfterShuffle) {
      shuffled = Layers.layerNorm(x.reshape(rows, width), merger.normWeight, merger.normBias,
          LAYER_NORM_EPS);
    } else {
      shuffled = Layers.layerNorm(x, merger.normWeight, merger.normBias, LAYER_NORM_EPS)
          .reshape(rows, width);
    }
    return merger.fc2.apply(Layers.gelu(merger.fc1.apply(shuffled)));
  }
}
