package dev.quire.encoder.colqwen3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.encoder.safetensors.SafetensorsTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter ({@code adapter_config.json} + {@code adapter_model.safetensors}): per
 * target module, {@code A} [r, in], {@code B} [out, r] and the scale alpha / r (alpha /
 * sqrt(r) with rsLoRA), so that {@code y = x W^T + scale (x A^T) B^T}. Module names are
 * canonical checkpoint names ({@code language_model.layers.0.self_attn.q_proj}).
 */
final class LoraAdapter implements AutoCloseable {

  /** One adapted module. */
  record Module(String name, SafetensorsTensor a, SafetensorsTensor b, float scale) {
    int rank() {
      return (int) a.shape()[0];
    }
  }

  private static final String PREFIX = "base_model.model.";

  private final Path folder;
  private final CheckpointWeights weights;
  private final Map<String, Module> modules;

  private LoraAdapter(Path folder, CheckpointWeights weights, Map<String, Module> modules) {
    this.folder = folder;
    this.weights = weights;
    this.modules = modules;
  }

  static Path weightFile(Path folder) throws IOException {
    Path file = folder.resolve("adapter_model.safetensors");
    if (!Files.isRegularFile(file)) {
      throw new IOException(folder + " has no adapter_model.safetensors: not a PEFT adapter folder");
    }
    return file;
  }

  static LoraAdapter open(Path folder) throws IOException {
    Path configFile = folder.resolve("adapter_config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new IOException(folder + " has no adapter_config.json: not a PEFT adapter folder");
    }
    JsonNode config = new ObjectMapper().readTree(configFile.toFile());
    String where = configFile.toString();
    String type = config.path("peft_type").asText("LORA");
    if (!type.equals("LORA")) {
      throw new IOException(where + ": peft_type " + type + " is not LORA");
    }
    for (String unsupported : List.of("use_dora", "use_qalora")) {
      if (config.path(unsupported).asBoolean(false)) {
        throw new IOException(where + ": " + unsupported + " adapters are not supported");
      }
    }
    if (config.hasNonNull("modules_to_save") && !config.get("modules_to_save").isEmpty()) {
      throw new IOException(where + ": modules_to_save (fully retrained modules) is not supported");
    }
    if (config.path("fan_in_fan_out").asBoolean(false)) {
      throw new IOException(where + ": fan_in_fan_out (Conv1D weights) is not supported");
    }
    double alpha = config.path("lora_alpha").asDouble(Double.NaN);
    if (!(alpha > 0)) {
      throw new IOException(where + ": lora_alpha must be positive, got " + config.get("lora_alpha"));
    }
    boolean rsLora = config.path("use_rslora").asBoolean(false);
    Map<String, Double> alphaPattern = patterns(config.path("alpha_pattern"));

    CheckpointWeights weights = CheckpointWeights.open(List.of(weightFile(folder)), key -> {
      String name = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
      return CheckpointWeights.canonicalName(name);
    });
    try {
      Map<String, Module> modules = new LinkedHashMap<>();
      for (String name : weights.tensors().keySet()) {
        if (!name.endsWith(".lora_A.weight")) {
          if (!name.endsWith(".lora_B.weight")) {
            throw new IOException(weightFile(folder) + ": tensor \"" + name
                + "\" is not a LoRA A/B weight (embedding, DoRA and bias adapters are not supported)");
          }
          continue;
        }
        String module = name.substring(0, name.length() - ".lora_A.weight".length());
        SafetensorsTensor a = weights.tensor(name);
        SafetensorsTensor b = weights.tensor(module + ".lora_B.weight");
        long rank = a.shape()[0];
        if (a.shape().length != 2 || b.shape().length != 2 || b.shape()[1] != rank) {
          throw new IOException(weightFile(folder) + ": module " + module + " has A "
              + Arrays.toString(a.shape()) + " and B " + Arrays.toString(b.shape())
              + ", expected [r, in] and [out, r]");
        }
        double moduleAlpha = match(alphaPattern, module, alpha);
        double scale = rsLora ? moduleAlpha / Math.sqrt(rank) : moduleAlpha / rank;
        modules.put(module, new Module(module, a, b, (float) scale));
      }
      if (modules.isEmpty()) {
        throw new IOException(weightFile(folder) + " holds no LoRA weights");
      }
      return new LoraAdapter(folder, weights, Map.copyOf(modules));
    } catch (IOException | RuntimeException e) {
      weights.close();
      throw e;
    }
  }

  private static Map<String, Double> patterns(JsonNode node) {
    Map<String, Double> patterns = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      patterns.put(e.getKey(), e.getValue().asDouble());
    }
    return patterns;
  }

  /** PEFT's rule for alpha_pattern keys: the key matches a suffix of the module name. */
  private static double match(Map<String, Double> patterns, String module, double fallback) {
    for (Map.Entry<String, Double> e : patterns.entrySet()) {
      if (Pattern.compile("(.*\\.)?(" + e.getKey() + ")$").matcher(module).matches()) {
        return e.getValue();
      }
    }
    return fallback;
  }

  Path folder() {
    return folder;
  }

  /** The adapted module called {@code name}, or null. */
  Module module(String name) {
    return modules.get(name);
  }

  Map<String, Module> modules() {
    return modules;
  }

  @Override
  public void close() {
    weights.close();
  }
}
