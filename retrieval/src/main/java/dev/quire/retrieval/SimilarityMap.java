package dev.quire.retrieval;

import java.util.List;

/**
 * Which regions of a page matched each query token: for every query token, its dot product
 * with each image patch of the page, on the patch grid laid over the page image.
 *
 * @param rows patch rows over the page image
 * @param cols patch columns
 * @param tokens one entry per query token, in query order
 */
public record SimilarityMap(String documentId, int pageNumber, int rows, int cols, List<TokenMap> tokens) {

  public SimilarityMap {
    tokens = List.copyOf(tokens);
  }

  /**
   * @param token the query token's index
   * @param text what the token stands for, as the encoder's tokenizer decodes it; null when the
   *     encoder cannot say
   * @param scores {@code rows x cols} dot products, row-major
   * @param best the patch with the highest score (the MaxSim argmax among image patches)
   * @param maxSim the token's MaxSim contribution over all page tokens, prompt tokens included
   */
  public record TokenMap(int token, String text, float[] scores, int best, float maxSim) {}
}
