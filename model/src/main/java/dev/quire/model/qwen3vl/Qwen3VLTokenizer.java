package dev.quire.model.qwen3vl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Qwen3-VL checkpoint's own tokenizer.json (Hugging Face tokenizers, native, via DJL), as it
 * is: its pre/post-processing, no padding, no truncation. Special-token ids come from its
 * {@code added_tokens}, checked against config.json, never from constants. Ids go back to text
 * through its byte-level alphabet ({@link ByteLevelDecoder}), at once or as a stream.
 */
public final class Qwen3VLTokenizer implements AutoCloseable {

  public static final String IMAGE_PAD = "<|image_pad|>";
  public static final String VISION_START = "<|vision_start|>";
  public static final String VISION_END = "<|vision_end|>";
  public static final String END_OF_TEXT = "<|endoftext|>";

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Integer> special;
  private final ByteLevelDecoder decoder;

  private Qwen3VLTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> special,
      ByteLevelDecoder decoder) {
    this.tokenizer = tokenizer;
    this.special = special;
    this.decoder = decoder;
  }

  /** Opens {@code tokenizer.json} of a checkpoint folder and checks it against its config. */
  public static Qwen3VLTokenizer open(Path checkpoint, Qwen3VLConfig config) throws IOException {
    Path file = checkpoint.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(checkpoint + " has no tokenizer.json");
    }
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    Map<String, Integer> special = addedTokens(json);
    for (String token : List.of(IMAGE_PAD, END_OF_TEXT, VISION_START, VISION_END,
        "<|im_start|>", "<|im_end|>")) {
      if (!special.containsKey(token)) {
        throw new IOException(file + " has no added token " + token + ": not a Qwen-VL tokenizer");
      }
    }
    check(file, IMAGE_PAD, special.get(IMAGE_PAD), "image_token_id", config.imageTokenId());
    check(file, VISION_START, special.get(VISION_START), "vision_start_token_id",
        config.visionStartTokenId());
    check(file, VISION_END, special.get(VISION_END), "vision_end_token_id",
        config.visionEndTokenId());
    ByteLevelDecoder decoder;
    try {
      decoder = ByteLevelDecoder.of(json, file.toString());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    return new Qwen3VLTokenizer(raw(file), special, decoder);
  }

  /** A tokenizer.json as it is, unchecked (for tokenizer-only uses and tests). */
  public static HuggingFaceTokenizer raw(Path tokenizerJson) throws IOException {
    return HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
  }

  private static void check(Path file, String token, int id, String field, int configured)
      throws IOException {
    if (id != configured) {
      throw new IOException(file + " gives " + token + " id " + id + " but config.json's " + field
          + " is " + configured);
    }
  }

  private static Map<String, Integer> addedTokens(JsonNode tokenizerJson) {
    JsonNode added = tokenizerJson.path("added_tokens");
    Map<String, Integer> ids = new HashMap<>();
    for (JsonNode token : added) {
      ids.put(token.path("content").asText(), token.path("id").asInt());
    }
    return Map.copyOf(ids);
  }

  /** The id of an added (special) token. */
  public int tokenId(String token) {
    Integer id = special.get(token);
    if (id == null) {
      throw new IllegalArgumentException("no added token " + token);
    }
    return id;
  }

  /** The ids of {@code text}; added tokens written in it become their ids. */
  public int[] encode(String text) {
    return ids(tokenizer.encode(text));
  }

  /**
   * The text of {@code ids}, special tokens included unless {@code skipSpecial}, as the
   * tokenizers library decodes them (transformers' {@code decode} without clean-up, which Qwen
   * checkpoints turn off).
   */
  public String decode(int[] ids, boolean skipSpecial) {
    return decoder.decode(ids, skipSpecial);
  }

  /** Whether {@code id} is a special added token (dropped when decoding skips specials). */
  public boolean isSpecial(int id) {
    return decoder.isSpecial(id);
  }

  /** The bytes of one token (see {@link ByteLevelDecoder#tokenBytes}). */
  public byte[] tokenBytes(int id) {
    return decoder.tokenBytes(id);
  }

  /** A decoder of generated ids one at a time that never returns half a character. */
  public ByteLevelDecoder.Incremental incremental(boolean skipSpecial) {
    return decoder.incremental(skipSpecial);
  }

  private static int[] ids(Encoding encoding) {
    long[] ids = encoding.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
