package dev.quire.model.qwen3vl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Qwen3-VL architecture read from a checkpoint's config.json, in either form: transformers 5
 * ({@code text_config.rope_parameters}) or transformers 4.57, which every released ColQwen3
 * checkpoint uses ({@code rope_theta} + {@code rope_scaling}, no vision rope entry), with
 * colpali-engine's, TomoroAI's ({@code model_type: colqwen3}) or OpenSearch's wrapper fields.
 * {@code tieWordEmbeddings}: the output projection ({@code lm_head}) is the token embedding table.
 */
public record Qwen3VLConfig(Text text, Vision vision, int imageTokenId, int visionStartTokenId,
    int visionEndTokenId, boolean tieWordEmbeddings) {

  /**
   * The text decoder's shape; {@code maxPositions} is the context length
   * ({@code max_position_embeddings}).
   */
  public record Text(int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
      int headDim, double rmsEps, double ropeTheta, int[] mropeSection, int vocabSize,
      int maxPositions) {

    /** Query heads per key/value head (grouped-query attention). */
    public int groups() {
      return heads / kvHeads;
    }
  }

  /** The vision tower's shape; {@code deepstackIndexes} are the blocks DeepStack taps. */
  public record Vision(int depth, int hiddenSize, int intermediateSize, int heads, int patchSize,
      int temporalPatchSize, int mergeSize, int outHiddenSize, int positionSide,
      int[] deepstackIndexes, double ropeTheta) {

    public int headDim() {
      return hiddenSize / heads;
    }

    /** Floats per flattened patch: channels x temporal x patch x patch. */
    public int patchDim() {
      return 3 * temporalPatchSize * patchSize * patchSize;
    }
  }

  public static Qwen3VLConfig read(Path checkpoint) throws IOException {
    Path file = checkpoint.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(checkpoint + " has no config.json: not a checkpoint folder");
    }
    return parse(new ObjectMapper().readTree(file.toFile()), file.toString());
  }

  public static Qwen3VLConfig parse(JsonNode root, String where) {
    JsonNode text = required(root, "text_config", where);
    JsonNode vision = required(root, "vision_config", where);
    return new Qwen3VLConfig(
        parseText(text, where + ": text_config"),
        parseVision(vision, where + ": vision_config"),
        integer(root, "image_token_id", where),
        integer(root, "vision_start_token_id", where),
        integer(root, "vision_end_token_id", where),
        // transformers reads the top-level flag; older exports put it only in text_config
        root.path("tie_word_embeddings").asBoolean(text.path("tie_word_embeddings").asBoolean(false)));
  }

  private static Text parseText(JsonNode node, String where) {
    String act = node.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new IllegalArgumentException(where + ": hidden_act \"" + act + "\" is not silu");
    }
    if (node.path("attention_bias").asBoolean(false)) {
      throw new IllegalArgumentException(where + ": attention_bias true is not Qwen3 (no bias)");
    }
    int hidden = integer(node, "hidden_size", where);
    int heads = integer(node, "num_attention_heads", where);
    int kvHeads = node.has("num_key_value_heads") ? integer(node, "num_key_value_heads", where) : heads;
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          where + ": num_attention_heads " + heads + " is not a multiple of num_key_value_heads "
              + kvHeads);
    }
    int headDim = node.hasNonNull("head_dim") ? integer(node, "head_dim", where) : hidden / heads;
    // transformers 5: rope_parameters holds everything; 4.57: rope_theta + rope_scaling
    JsonNode rope = node.has("rope_parameters") ? node.get("rope_parameters") : node.path("rope_scaling");
    double theta = rope.has("rope_theta") ? rope.get("rope_theta").asDouble()
        : node.path("rope_theta").asDouble(Double.NaN);
    if (!(theta > 0)) {
      throw new IllegalArgumentException(where + ": no rope_theta (rope_parameters or top level)");
    }
    String type = rope.path("rope_type").asText(rope.path("type").asText("default"));
    if (!type.equals("default") && !type.equals("mrope")) {
      throw new IllegalArgumentException(where + ": rope_type \"" + type + "\" is not supported");
    }
    if (!rope.path("mrope_interleaved").asBoolean(true)) {
      throw new IllegalArgumentException(
          where + ": mrope_interleaved false is Qwen2-VL's chunked M-RoPE, not Qwen3-VL's");
    }
    JsonNode sectionNode = rope.path("mrope_section");
    int[] section = sectionNode.isArray() ? new int[sectionNode.size()] : new int[] {24, 20, 20};
    for (int i = 0; sectionNode.isArray() && i < section.length; i++) {
      section[i] = sectionNode.get(i).asInt();
    }
    if (section.length != 3 || Arrays.stream(section).sum() != headDim / 2) {
      throw new IllegalArgumentException(
          where + ": mrope_section " + Arrays.toString(section) + " must be three numbers summing"
              + " to head_dim / 2 = " + headDim / 2);
    }
    return new Text(hidden, integer(node, "intermediate_size", where),
        integer(node, "num_hidden_layers", where), heads, kvHeads, headDim,
        node.path("rms_norm_eps").asDouble(1e-6), theta, section, integer(node, "vocab_size", where),
        // Qwen3-VL's default when a config leaves it out
        node.path("max_position_embeddings").asInt(262144));
  }

  private static Vision parseVision(JsonNode node, String where) {
    String act = node.path("hidden_act").asText("gelu_pytorch_tanh");
    if (!act.equals("gelu_pytorch_tanh")) {
      throw new IllegalArgumentException(
          where + ": hidden_act \"" + act + "\" is not gelu_pytorch_tanh");
    }
    int positions = integer(node, "num_position_embeddings", where);
    int side = (int) Math.round(Math.sqrt(positions));
    if (side * side != positions) {
      throw new IllegalArgumentException(
          where + ": num_position_embeddings " + positions + " is not a square");
    }
    JsonNode deepstack = node.path("deepstack_visual_indexes");
    int[] indexes = new int[deepstack.size()];
    int depth = integer(node, "depth", where);
    for (int i = 0; i < indexes.length; i++) {
      indexes[i] = deepstack.get(i).asInt();
      if (indexes[i] < 0 || indexes[i] >= depth) {
        throw new IllegalArgumentException(
            where + ": deepstack_visual_indexes " + deepstack + " outside 0.." + (depth - 1));
      }
    }
    int hidden = integer(node, "hidden_size", where);
    int heads = integer(node, "num_heads", where);
    if (hidden % heads != 0) {
      throw new IllegalArgumentException(where + ": hidden_size " + hidden
          + " is not a multiple of num_heads " + heads);
    }
    if (node.path("in_channels").asInt(3) != 3) {
      throw new IllegalArgumentException(where + ": in_channels must be 3");
    }
    double theta = node.path("rope_parameters").path("rope_theta").asDouble(10000.0);
    return new Vision(depth, hidden, integer(node, "intermediate_size", where), heads,
        integer(node, "patch_size", where), integer(node, "temporal_patch_size", where),
        integer(node, "spatial_merge_size", where), integer(node, "out_hidden_size", where), side,
        indexes, theta);
  }

  private static JsonNode required(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw new IllegalArgumentException(where + ": missing object \"" + field + "\"");
    }
    return value;
  }

  private static int integer(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt() || value.asInt() < 0) {
      throw new IllegalArgumentException(
          where + ": \"" + field + "\" must be a non-negative integer, got " + value);
    }
    return value.asInt();
  }
}
