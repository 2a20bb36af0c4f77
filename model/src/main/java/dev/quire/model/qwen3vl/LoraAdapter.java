package dev.quire.model.qwen3vl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.types.DataType;
import dev.quire.model.AtomicFiles;
import dev.quire.model.safetensors.SafetensorsTensor;
import dev.quire.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter ({@code adapter_config.json} + {@code adapter_model.safetensors}): per
 * target module, {@code A} [r, in], {@code B} [out, r] and the scale alpha / r (alpha /
 * sqrt(r) with rsLoRA), so that {@code y = x W^T + scale (x A^T) B^T}. Module names are
 * canonical checkpoint names ({@code language_model.layers.0.self_attn.q_proj}); each module
 * also keeps the key stem it was stored under, so {@link #write} saves it where PEFT would.
 */
public final class LoraAdapter implements AutoCloseable {

  /**
   * One adapted module: {@code name} canonical, {@code key} as stored (without the
   * {@code .lora_A.weight} suffix).
   */
  public record Module(String name, String key, SafetensorsTensor a, SafetensorsTensor b,
      float scale) {
    public int rank() {
      return (int) a.shape()[0];
    }
  }

  private static final String A_SUFFIX = ".lora_A.weight";
  private static final String B_SUFFIX = ".lora_B.weight";

  private static final String PREFIX = "base_model.model.";

  private final Path folder;
  private final JsonNode config;
  private final CheckpointWeights weights;
  private final Map<String, Module> modules;

  private LoraAdapter(Path folder, JsonNode config, CheckpointWeights weights,
      Map<String, Module> modules) {
    this.folder = folder;
    this.config = config;
    this.weights = weights;
    this.modules = modules;
  }

  public static Path weightFile(Path folder) throws IOException {
    Path file = folder.resolve("adapter_model.safetensors");
    if (!Files.isRegularFile(file)) {
      throw new IOException(folder + " has no adapter_model.safetensors: not a PEFT adapter folder");
    }
    return file;
  }

  public static LoraAdapter open(Path folder) throws IOException {
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

    Map<String, String> keys = new HashMap<>();
    CheckpointWeights weights = CheckpointWeights.open(List.of(weightFile(folder)), key -> {
      String name = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
      String canonical = CheckpointWeights.canonicalName(name);
      keys.put(canonical, key);
      return canonical;
    });
    try {
      Map<String, Module> modules = new LinkedHashMap<>();
      for (String name : weights.tensors().keySet()) {
        if (!name.endsWith(A_SUFFIX)) {
          if (!name.endsWith(B_SUFFIX)) {
            throw new IOException(weightFile(folder) + ": tensor \"" + name
                + "\" is not a LoRA A/B weight (embedding, DoRA and bias adapters are not supported)");
          }
          continue;
        }
        String module = name.substring(0, name.length() - A_SUFFIX.length());
        String key = keys.get(name);
        SafetensorsTensor a = weights.tensor(name);
        SafetensorsTensor b = weights.tensor(module + B_SUFFIX);
        long rank = a.shape()[0];
        if (a.shape().length != 2 || b.shape().length != 2 || b.shape()[1] != rank) {
          throw new IOException(weightFile(folder) + ": module " + module + " has A "
              + Arrays.toString(a.shape()) + " and B " + Arrays.toString(b.shape())
              + ", expected [r, in] and [out, r]");
        }
        double moduleAlpha = match(alphaPattern, module, alpha);
        double scale = rsLora ? moduleAlpha / Math.sqrt(rank) : moduleAlpha / rank;
        modules.put(module, new Module(module, key.substring(0, key.length() - A_SUFFIX.length()),
            a, b, (float) scale));
      }
      if (modules.isEmpty()) {
        throw new IOException(weightFile(folder) + " holds no LoRA weights");
      }
      return new LoraAdapter(folder, config, weights, Map.copyOf(modules));
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

  public Path folder() {
    return folder;
  }

  /** adapter_config.json as read. */
  public JsonNode config() {
    return config.deepCopy();
  }

  /** The adapted module called {@code name}, or null. */
  public Module module(String name) {
    return modules.get(name);
  }

  public Map<String, Module> modules() {
    return modules;
  }

  /**
   * Writes an adapter folder in PEFT's layout: {@code config} as adapter_config.json and the A
   * and B of each of {@code adapters} as float32 under its module's stored key, each file
   * replaced whole. What {@link #open} reads back gives the same layers.
   */
  public static void write(Path folder, JsonNode config, List<Linear.LowRank> adapters)
      throws IOException {
    if (adapters.isEmpty()) {
      throw new IllegalArgumentException("an adapter needs at least one LoRA module");
    }
    SafetensorsWriter writer = new SafetensorsWriter();
    for (Linear.LowRank adapter : adapters) {
      String key = adapter.module().key();
      writer.putF32(key + A_SUFFIX, adapter.a().getShape().getShape(),
          adapter.a().toType(DataType.FLOAT32, false).toFloatArray());
      writer.putF32(key + B_SUFFIX, adapter.b().getShape().getShape(),
          adapter.b().toType(DataType.FLOAT32, false).toFloatArray());
    }
    Files.createDirectories(folder);
    writer.write(folder.resolve("adapter_model.safetensors"));
    byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(config);
    AtomicFiles.write(folder.resolve("adapter_config.json"), out -> out.write(json));
  }

  @Override
  public void close() {
    weights.close();
  }
}
