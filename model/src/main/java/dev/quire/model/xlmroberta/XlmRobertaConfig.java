package dev.quire.model.xlmroberta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The XLM-RoBERTa encoder's shape, read once from a checkpoint's config.json ({@code model_type}
 * {@code xlm-roberta}, as BGE-M3's). Only what the forward pass needs, and only the variant it
 * implements: absolute positions offset by {@code pad_token_id} (RoBERTa's), exact-erf GELU.
 *
 * @param maxPositions {@code max_position_embeddings}: the position table's rows, of which the
 *     first {@code padTokenId + 1} are never a real token's, so a text holds at most
 *     {@link #maxTokens()} tokens
 */
public record XlmRobertaConfig(int vocabSize, int hiddenSize, int layers, int heads,
    int intermediateSize, int maxPositions, int typeVocabSize, double layerNormEps,
    int padTokenId) {

  public XlmRobertaConfig {
    if (hiddenSize <= 0 || heads <= 0 || hiddenSize % heads != 0) {
      throw new IllegalArgumentException("hidden_size " + hiddenSize
          + " is not a positive multiple of num_attention_heads " + heads);
    }
    if (layers <= 0 || intermediateSize <= 0 || vocabSize <= 0 || typeVocabSize <= 0) {
      throw new IllegalArgumentException("config.json has a non-positive size");
    }
    if (padTokenId < 0 || maxPositions <= padTokenId + 1) {
      throw new IllegalArgumentException("max_position_embeddings " + maxPositions
          + " leaves no position after pad_token_id " + padTokenId);
    }
  }

  public int headDim() {
    return hiddenSize / heads;
  }

  /** The longest text the position table allows, special tokens included. */
  public int maxTokens() {
    return maxPositions - padTokenId - 1;
  }

  public static XlmRobertaConfig read(Path folder) throws IOException {
    Path file = folder.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(folder + " has no config.json (a BGE-M3 / XLM-RoBERTa checkpoint folder"
          + " holds config.json, model.safetensors, tokenizer.json, colbert_linear.pt and sparse_linear.pt)");
    }
    JsonNode c = new ObjectMapper().readTree(file.toFile());
    String type = c.path("model_type").asText("");
    if (!type.equals("xlm-roberta")) {
      throw new IOException(file + " has model_type \"" + type + "\", not \"xlm-roberta\"");
    }
    String act = c.path("hidden_act").asText("gelu");
    if (!act.equals("gelu")) {
      throw new IOException(file + ": hidden_act \"" + act + "\" is not supported (only gelu)");
    }
    String positions = c.path("position_embedding_type").asText("absolute");
    if (!positions.equals("absolute")) {
      throw new IOException(file + ": position_embedding_type \"" + positions
          + "\" is not supported (only absolute)");
    }
    if (c.path("is_decoder").asBoolean(false)) {
      throw new IOException(file + " describes a decoder; only the encoder is supported");
    }
    try {
      return new XlmRobertaConfig(required(c, file, "vocab_size"), required(c, file, "hidden_size"),
          required(c, file, "num_hidden_layers"), required(c, file, "num_attention_heads"),
          required(c, file, "intermediate_size"), required(c, file, "max_position_embeddings"),
          c.path("type_vocab_size").asInt(1), c.path("layer_norm_eps").asDouble(1e-12),
          c.path("pad_token_id").asInt(1));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static int required(JsonNode c, Path file, String key) throws IOException {
    JsonNode v = c.get(key);
    if (v == null || !v.canConvertToInt()) {
      throw new IOException(file + " lacks the integer \"" + key + "\"");
    }
    return v.asInt();
  }
}
