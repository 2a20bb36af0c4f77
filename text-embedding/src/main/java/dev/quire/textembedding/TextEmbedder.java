package dev.quire.textembedding;

import java.util.List;

/**
 * Text to dense vectors, for the learned first stage: a query and the pages' text in one space,
 * compared by dot product (the vectors are L2-normalised). Thread-safe.
 *
 * <p>It lives in a module of its own, below the index and the engine: the index stores its
 * vectors and the engine calls it, but neither needs ONNX Runtime or the tokenizer to be on the
 * classpath of code that does not embed text.
 */
public interface TextEmbedder extends AutoCloseable {

  /** Which model this is: its name, vector size, token limit, and the SHA-256 of its weights. */
  TextModelInfo info();

  /** One L2-normalised vector per text, in order; a text past the token limit is cut there. */
  float[][] embed(List<String> texts);

  default float[] embed(String text) {
    return embed(List.of(text))[0];
  }

  /** How many tokens the model reads of {@code text} (special tokens included, at most the limit). */
  int tokenCount(String text);

  @Override
  void close();
}
