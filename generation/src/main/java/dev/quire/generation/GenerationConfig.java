package dev.quire.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's decoding defaults, read once from {@code generation_config.json} (what
 * transformers' {@code generate} starts from): the ids that end an answer ({@code eos_token_id},
 * one or a list), the padding id, and the sampling settings. A missing file gives greedy decoding
 * that stops at no id.
 */
public record GenerationConfig(List<Integer> eosTokenIds, Integer padTokenId, boolean doSample,
    double temperature, double topP, int topK, double minP, double repetitionPenalty,
    int maxNewTokens) {

  public GenerationConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** transformers' defaults: greedy, no stop id, 20 new tokens at most. */
  public static GenerationConfig defaults() {
    return new GenerationConfig(List.of(), null, false, 1.0, 1.0, 50, 0.0, 1.0, 20);
  }

  public static GenerationConfig read(Path checkpoint) throws IOException {
    Path file = checkpoint.resolve("generation_config.json");
    if (!Files.isRegularFile(file)) {
      return defaults();
    }
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    GenerationConfig d = defaults();
    List<Integer> eos = new ArrayList<>();
    JsonNode eosNode = node.path("eos_token_id");
    if (eosNode.isArray()) {
      eosNode.forEach(id -> eos.add(id.asInt()));
    } else if (eosNode.isInt()) {
      eos.add(eosNode.asInt());
    }
    JsonNode pad = node.path("pad_token_id");
    return new GenerationConfig(eos, pad.isInt() ? pad.asInt() : null,
        node.path("do_sample").asBoolean(d.doSample()),
        node.path("temperature").asDouble(d.temperature()),
        node.path("top_p").asDouble(d.topP()),
        node.path("top_k").asInt(d.topK()),
        node.path("min_p").isNumber() ? node.path("min_p").asDouble() : d.minP(),
        node.path("repetition_penalty").asDouble(d.repetitionPenalty()),
        node.path("max_new_tokens").asInt(d.maxNewTokens()));
  }
}
