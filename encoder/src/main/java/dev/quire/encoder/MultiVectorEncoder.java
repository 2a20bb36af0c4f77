package dev.quire.encoder;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * Turns queries and page images into multi-vector embeddings in one shared space. Every
 * returned vector is L2-normalised; results are in input order, one per input.
 */
public interface MultiVectorEncoder extends AutoCloseable {

  EncoderInfo info();

  List<MultiVector> encodeQueries(List<String> queries);

  List<MultiVector> encodePages(List<BufferedImage> pages);

  /**
   * The patch grid of the embedding {@link #encodePages} gives for this page image, computed
   * from its size alone; empty when the encoder's tokens do not map to image regions.
   */
  default Optional<PatchGrid> patchGrid(BufferedImage page) {
    return Optional.empty();
  }

  /**
   * What each token of a query's embedding stands for (its text, or the special token's name), in
   * the order of {@link #encodeQueries}' vectors; empty when the encoder cannot say.
   */
  default List<String> queryTokenTexts(String query) {
    return List.of();
  }

  /**
   * One unit vector standing for a query's embedding (dense single-vector search, the embedding
   * endpoints): by default the mean of its token vectors, normalised; models that summarise text in
   * their last token override it. Pages are pooled by {@link MultiVector#meanPooled}.
   */
  default float[] pooledQuery(MultiVector query) {
    return query.meanPooled();
  }

  /** Releases native memory and model weights; the default holds none. */
  @Override
  default void close() {}
}
