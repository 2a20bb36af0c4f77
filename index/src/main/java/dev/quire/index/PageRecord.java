package dev.quire.index;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * One page handed to a {@link DocumentWriter}.
 *
 * @param text extracted text ("" when the page has none)
 * @param textSource where the text came from (for example "pdf" or "ocr")
 * @param image the rendered page, or {@code null} to keep no image
 * @param vectors the page embeddings, or {@code null} when the page was not embedded
 * @param textVectors the page text's dense vectors, or {@code null} when it has none
 */
public record PageRecord(
    int pageNumber, String text, String textSource, BufferedImage image, PageVectors vectors,
    TextVectors textVectors) {

  /** A page without text vectors. */
  public PageRecord(int pageNumber, String text, String textSource, BufferedImage image, PageVectors vectors) {
    this(pageNumber, text, textSource, image, vectors, null);
  }

  public PageRecord {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(textSource, "textSource");
    if (pageNumber < 0) {
      throw new IllegalArgumentException("pageNumber must not be negative, got " + pageNumber);
    }
  }
}
