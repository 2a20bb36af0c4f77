package dev.quire.datasets;

/** Where a page's text came from. */
public enum TextSource {
  /** The PDF's own text layer. */
  TEXT_LAYER,
  /** Tesseract, run on the page image because the page had no text layer. */
  OCR,
  /** No text: an image page with OCR disabled or unavailable, or an OCR pass that found nothing. */
  NONE
}
