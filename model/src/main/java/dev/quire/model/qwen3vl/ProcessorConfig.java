package dev.quire.model.qwen3vl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Qwen2-VL image processor settings of a checkpoint. transformers 5 nests them under
 * {@code image_processor} in {@code processor_config.json}; transformers 4 (every released
 * ColQwen3 checkpoint) writes a flat {@code preprocessor_config.json}. Top-level
 * {@code min_pixels}/{@code max_pixels} win over {@code size}, as in
 * {@code Qwen2VLImageProcessor.__init__}.
 */
public record ProcessorConfig(
    int patchSize,
    int temporalPatchSize,
    int mergeSize,
    long minPixels,
    long maxPixels,
    float[] mean,
    float[] std,
    double rescaleFactor) {

  /** Side of the square of pixels that becomes one image token. */
  public int tile() {
    return patchSize * mergeSize;
  }

  /** colpali-engine's {@code max_num_visual_tokens}: max pixels = tokens x tile x tile. */
  public ProcessorConfig withMaxVisualTokens(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("max visual tokens must be positive, got " + tokens);
    }
    return new ProcessorConfig(
        patchSize, temporalPatchSize, mergeSize, minPixels, (long) tokens * tile() * tile(), mean,
        std, rescaleFactor);
  }

  public static ProcessorConfig read(Path checkpoint) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Path nested = checkpoint.resolve("processor_config.json");
    Path flat = checkpoint.resolve("preprocessor_config.json");
    JsonNode imageProcessor = Files.isRegularFile(nested)
        ? json.readTree(nested.toFile()).get("image_processor") : null;
    if (imageProcessor != null) {
      return parse(imageProcessor, nested.toString());
    }
    if (Files.isRegularFile(flat)) {
      return parse(json.readTree(flat.toFile()), flat.toString());
    }
    throw new IOException(checkpoint + " has no image processor settings (processor_config.json"
        + " with image_processor, or preprocessor_config.json)");
  }

  public static ProcessorConfig parse(JsonNode node, String where) {
    int resample = node.path("resample").asInt(3);
    if (resample != 3) {
      throw new IllegalArgumentException(
          where + ": resample " + resample + " is not supported (only 3, bicubic, as Qwen-VL uses)");
    }
    if (!node.path("do_resize").asBoolean(true) || !node.path("do_rescale").asBoolean(true)
        || !node.path("do_normalize").asBoolean(true)) {
      throw new IllegalArgumentException(
          where + ": do_resize, do_rescale and do_normalize must all be true for Qwen-VL");
    }
    JsonNode size = node.path("size");
    long min = node.has("min_pixels") ? node.get("min_pixels").asLong()
        : size.path("shortest_edge").asLong(-1);
    long max = node.has("max_pixels") ? node.get("max_pixels").asLong()
        : size.path("longest_edge").asLong(-1);
    if (min <= 0 || max <= 0 || min > max) {
      throw new IllegalArgumentException(
          where + ": need 0 < min_pixels <= max_pixels (size.shortest_edge / longest_edge), got "
              + min + " and " + max);
    }
    return new ProcessorConfig(
        positive(node, "patch_size", 16, where),
        positive(node, "temporal_patch_size", 2, where),
        positive(node, "merge_size", 2, where),
        min,
        max,
        triple(node.path("image_mean"), where + ": image_mean"),
        triple(node.path("image_std"), where + ": image_std"),
        node.path("rescale_factor").asDouble(1.0 / 255));
  }

  private static int positive(JsonNode node, String field, int fallback, String where) {
    int value = node.path(field).asInt(fallback);
    if (value <= 0) {
      throw new IllegalArgumentException(where + ": " + field + " must be positive, got " + value);
    }
    return value;
  }

  private static float[] triple(JsonNode node, String where) {
    if (node.isMissingNode()) {
      return new float[] {0.5f, 0.5f, 0.5f};
    }
    if (!node.isArray() || node.size() != 3) {
      throw new IllegalArgumentException(where + " must be three numbers, got " + node);
    }
    float[] values = new float[3];
    for (int i = 0; i < 3; i++) {
      values[i] = (float) node.get(i).asDouble();
    }
    return values;
  }
}
