package dev.quire.encoder.colqwen3;

import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.Qwen3VLTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * colpali-engine's ColQwen3 prompts through the checkpoint's tokenizer: a page is the document
 * prompt with its {@code <|image_pad|>} expanded to the image's token count; a query is
 * {@code prefix + text} followed by ten {@code <|endoftext|>} augmentation tokens.
 */
public final class PromptTokenizer implements AutoCloseable {

  static final String DOCUMENT_PROMPT =
      "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe the image.<|im_end|><|endoftext|>";
  static final String AUGMENTATION = Qwen3VLTokenizer.END_OF_TEXT;
  static final int AUGMENTATION_TOKENS = 10;

  private final Qwen3VLTokenizer tokenizer;
  private final int[] documentBefore;
  private final int[] documentAfter;

  private PromptTokenizer(Qwen3VLTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    int pad = tokenizer.tokenId(Qwen3VLTokenizer.IMAGE_PAD);
    int[] prompt = tokenizer.encode(DOCUMENT_PROMPT);
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
      throw new IllegalStateException(
          "the tokenizer does not keep " + Qwen3VLTokenizer.IMAGE_PAD + " as one token");
    }
    // added tokens are split out before the model runs, so expanding the pad after tokenising
    // gives the ids of the expanded text
    this.documentBefore = Arrays.copyOfRange(prompt, 0, at);
    this.documentAfter = Arrays.copyOfRange(prompt, at + 1, prompt.length);
  }

  /** Opens {@code tokenizer.json} of a checkpoint folder and checks it against its config. */
  public static PromptTokenizer open(Path checkpoint, Qwen3VLConfig config) throws IOException {
    Qwen3VLTokenizer tokenizer = Qwen3VLTokenizer.open(checkpoint, config);
    try {
      return new PromptTokenizer(tokenizer);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  int tokenId(String token) {
    return tokenizer.tokenId(token);
  }

  /** Where the image tokens start in a document prompt. */
  int imageTokenOffset() {
    return documentBefore.length;
  }

  /** The ids of the document prompt for an image of {@code imageTokens} tokens. */
  public int[] document(int imageTokens) {
    int[] ids = new int[documentBefore.length + imageTokens + documentAfter.length];
    System.arraycopy(documentBefore, 0, ids, 0, documentBefore.length);
    Arrays.fill(ids, documentBefore.length, documentBefore.length + imageTokens,
        tokenId(Qwen3VLTokenizer.IMAGE_PAD));
    System.arraycopy(documentAfter, 0, ids, documentBefore.length + imageTokens, documentAfter.length);
    return ids;
  }

  /** The ids of {@code prefix + text + 10 x <|endoftext|>}, as colpali's process_queries. */
  public int[] query(String text, String prefix) {
    return tokenizer.encode(prefix + text + AUGMENTATION.repeat(AUGMENTATION_TOKENS));
  }

  /** The text of each token of {@link #query}, decoded one token at a time. */
  List<String> queryTokenTexts(String text, String prefix) {
    int[] ids = query(text, prefix);
    List<String> texts = new ArrayList<>(ids.length);
    for (int id : ids) {
      texts.add(tokenizer.decode(new int[] {id}, false));
    }
    return texts;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
