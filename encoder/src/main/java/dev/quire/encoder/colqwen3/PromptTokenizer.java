package dev.quire.encoder.colqwen3;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * colpali-engine's ColQwen3 prompts through the checkpoint's own tokenizer.json (Hugging Face
 * tokenizers, native, via DJL): a page is the document prompt with its {@code <|image_pad|>}
 * expanded to the image's token count; a query is {@code prefix + text} followed by ten
 * {@code <|endoftext|>} augmentation tokens. Special-token ids come from the tokenizer's
 * {@code added_tokens}, checked against config.json, never from constants.
 */
final class PromptTokenizer implements AutoCloseable {

  static final String DOCUMENT_PROMPT =
      "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image.<|im_end|><|endoftext|>";
  static final String IMAGE_PAD = "<|image_pad|>";
  static final String AUGMENTATION = "<|endoftext|>";
  static final int AUGMENTATION_TOKENS = 10;

  private final HuggingFaceTokenizer tokenizer;
  private final Map<String, Integer> special;
  private final int[] documentBefore;
  private final int[] documentAfter;

  private PromptTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Integer> special) {
    this.tokenizer = tokenizer;
    this.special = special;
    int pad = special.get(IMAGE_PAD);
    int[] prompt = ids(tokenizer.encode(DOCUMENT_PROMPT));
    int at = -1;
    for (int i = 0; i < prompt.length; i++) {
      if (prompt[i] == pad) {
        if (at >= 0) {
          throw new IllegalStateException("the document prompt tokenizes to two image pads");
        }
        at = i;
      }
    }
    if (at < 0) {
      throw new IllegalStateException("the tokenizer does not keep " + IMAGE_PAD + " as one token");
    }
    // added tokens are split out before the model runs, so expanding the pad after tokenising
    // gives the ids of the expanded text
    this.documentBefore = Arrays.copyOfRange(prompt, 0, at);
    this.documentAfter = Arrays.copyOfRange(prompt, at + 1, prompt.length);
  }

  /** Opens {@code tokenizer.json} of a checkpoint folder and checks it against its config. */
  static PromptTokenizer open(Path checkpoint, ModelConfig config) throws IOException {
    Path file = checkpoint.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(checkpoint + " has no tokenizer.json");
    }
    Map<String, Integer> special = addedTokens(file);
    for (String token : List.of(IMAGE_PAD, AUGMENTATION, "<|vision_start|>", "<|vision_end|>",
        "<|im_start|>", "<|im_end|>")) {
      if (!special.containsKey(token)) {
        throw new IOException(file + " has no added token " + token + ": not a Qwen-VL tokenizer");
      }
    }
    check(file, IMAGE_PAD, special.get(IMAGE_PAD), "image_token_id", config.imageTokenId());
    check(file, "<|vision_start|>", special.get("<|vision_start|>"), "vision_start_token_id",
        config.visionStartTokenId());
    check(file, "<|vision_end|>", special.get("<|vision_end|>"), "vision_end_token_id",
        config.visionEndTokenId());
    return new PromptTokenizer(open(file), special);
  }

  /** A tokenizer.json as it is: its own pre/post-processing, no padding, no truncation. */
  static HuggingFaceTokenizer open(Path tokenizerJson) throws IOException {
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

  static Map<String, Integer> addedTokens(Path tokenizerJson) throws IOException {
    JsonNode added = new ObjectMapper().readTree(tokenizerJson.toFile()).path("added_tokens");
    Map<String, Integer> ids = new HashMap<>();
    for (JsonNode token : added) {
      ids.put(token.path("content").asText(), token.path("id").asInt());
    }
    return ids;
  }

  int tokenId(String token) {
    Integer id = special.get(token);
    if (id == null) {
      throw new IllegalArgumentException("no added token " + token);
    }
    return id;
  }

  /** Where the image tokens start in a document prompt. */
  int imageTokenOffset() {
    return documentBefore.length;
  }

  /** The ids of the document prompt for an image of {@code imageTokens} tokens. */
  int[] document(int imageTokens) {
    int[] ids = new int[documentBefore.length + imageTokens + documentAfter.length];
    System.arraycopy(documentBefore, 0, ids, 0, documentBefore.length);
    Arrays.fill(ids, documentBefore.length, documentBefore.length + imageTokens,
        tokenId(IMAGE_PAD));
    System.arraycopy(documentAfter, 0, ids, documentBefore.length + imageTokens, documentAfter.length);
    return ids;
  }

  /** The ids of {@code prefix + text + 10 x <|endoftext|>}, as colpali's process_queries. */
  int[] query(String text, String prefix) {
    return ids(tokenizer.encode(prefix + text + AUGMENTATION.repeat(AUGMENTATION_TOKENS)));
  }

  /** The text of each token of {@link #query}, decoded one token at a time. */
  List<String> queryTokenTexts(String text, String prefix) {
    int[] ids = query(text, prefix);
    List<String> texts = new ArrayList<>(ids.length);
    for (int id : ids) {
      texts.add(tokenizer.decode(new long[] {id}, false));
    }
    return texts;
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
