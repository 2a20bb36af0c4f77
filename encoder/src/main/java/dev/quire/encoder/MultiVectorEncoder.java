package dev.quire.encoder;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Turns queries and page images into multi-vector embeddings in one shared space. Every
 * returned vector is L2-normalised; results are in input order, one per input.
 */
public interface MultiVectorEncoder extends AutoCloseable {

  EncoderInfo info();

  List<MultiVector> encodeQueries(List<String> queries);

  List<MultiVector> encodePages(List<BufferedImage> pages);

  /** Releases native memory and model weights; the default holds none. */
  @Override
  default void close() {}
}
