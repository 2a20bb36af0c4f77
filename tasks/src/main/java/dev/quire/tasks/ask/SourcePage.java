package dev.quire.tasks.ask;

import java.awt.image.BufferedImage;

/**
 * A page shown to the model to answer from: its number in the prompt ({@code [1]}, {@code [2]},
 * ...), where it lives (document id, 1-based page, source file), its image (null when only its
 * text is sent) and its text ("" when none).
 */
public record SourcePage(int number, String documentId, int pageNumber, String source,
    BufferedImage image, String text) {

  public SourcePage {
    text = text == null ? "" : text;
    source = source == null ? "" : source;
  }
}
