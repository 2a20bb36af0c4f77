package dev.quire.model.qwen3vl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The tensors of a checkpoint folder (one {@code model.safetensors}, or the shards listed by
 * {@code model.safetensors.index.json}), memory-mapped and named by one convention whatever the
 * checkpoint used: see {@link #canonicalName}.
 */
public final class CheckpointWeights implements AutoCloseable {

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsTensor> tensors;

  private CheckpointWeights(List<SafetensorsFile> files, Map<String, SafetensorsTensor> tensors) {
    this.files = files;
    this.tensors = tensors;
  }

  /** The weight files of a checkpoint folder, in a stable order. */
  public static List<Path> weightFiles(Path folder) throws IOException {
    Path index = folder.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(index)) {
      JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
      if (!map.isObject() || map.isEmpty()) {
        throw new IOException(index + " has no weight_map");
      }
      TreeSet<String> shards = new TreeSet<>();
      map.elements().forEachRemaining(n -> shards.add(n.asText()));
      List<Path> paths = new ArrayList<>();
      for (String shard : shards) {
        Path path = folder.resolve(shard).normalize();
        if (!path.startsWith(folder.normalize()) || !Files.isRegularFile(path)) {
          throw new IOException(index + " lists shard \"" + shard + "\", which is not a file in "
              + folder);
        }
        paths.add(path);
      }
      return paths;
    }
    Path single = folder.resolve("model.safetensors");
    if (!Files.isRegularFile(single)) {
      throw new IOException(
          folder + " has neither model.safetensors nor model.safetensors.index.json");
    }
    return List.of(single);
  }

  /** Opens a checkpoint's {@link #weightFiles} under {@link #canonicalName}s. */
  public static CheckpointWeights open(List<Path> weightFiles) throws IOException {
    return open(weightFiles, CheckpointWeights::canonicalName);
  }

  static CheckpointWeights open(List<Path> paths, Function<String, String> naming)
      throws IOException {
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      Map<String, SafetensorsTensor> tensors = new LinkedHashMap<>();
      Map<String, Path> origin = new LinkedHashMap<>();
      for (Path path : paths) {
        SafetensorsFile file = SafetensorsFile.open(path);
        files.add(file);
        for (SafetensorsTensor tensor : file.tensors().values()) {
          String name = naming.apply(tensor.name());
          if (name == null) {
            continue;
          }
          Path previous = origin.put(name, path);
          if (previous != null) {
            throw new IOException("tensor \"" + name + "\" appears twice (as \"" + tensor.name()
                + "\" in " + path + " and in " + previous + ")");
          }
          tensors.put(name, tensor);
        }
      }
      return new CheckpointWeights(files, Collections.unmodifiableMap(tensors));
    } catch (IOException | RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  /**
   * One name for the three conventions of released ColQwen3 checkpoints (TomoroAI's
   * {@code vlm.model.*} and {@code embedding_proj_layer}, colpali-engine's {@code model.*},
   * OpenSearch's bare names): strip a leading {@code vlm.}, then a leading {@code model.};
   * rename {@code embedding_proj_layer} to {@code custom_text_proj}. {@code lm_head.*} is kept
   * (a generating model needs it; a retrieval model never loads it).
   */
  public static String canonicalName(String key) {
    String name = key;
    if (name.startsWith("vlm.")) {
      name = name.substring(4);
    }
    if (name.startsWith("model.")) {
      name = name.substring(6);
    }
    if (name.startsWith("embedding_proj_layer.")) {
      name = "custom_text_proj." + name.substring("embedding_proj_layer.".length());
    }
    return name;
  }

  public Map<String, SafetensorsTensor> tensors() {
    return tensors;
  }

  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  public SafetensorsTensor tensor(String name) {
    SafetensorsTensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException("checkpoint has no tensor \"" + name + "\" (looked in "
          + files.stream().map(f -> f.path().toString()).toList() + ")");
    }
    return tensor;
  }

  /** The tensor, checked to have exactly {@code shape}. */
  public SafetensorsTensor tensor(String name, long... shape) {
    SafetensorsTensor tensor = tensor(name);
    if (!Arrays.equals(tensor.shape(), shape)) {
      throw new IllegalArgumentException("tensor \"" + name + "\" has shape "
          + Arrays.toString(tensor.shape()) + ", the config implies "
          + Arrays.toString(shape));
    }
    return tensor;
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
