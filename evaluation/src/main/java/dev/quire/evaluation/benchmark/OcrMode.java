package dev.quire.evaluation.benchmark;

/** Whether pages without text get OCR text for BM25. */
public enum OcrMode {
  /**
   * ViDoRe: OCR the pages of datasets without a text column when Tesseract is installed (v1 and
   * v2 have none, so BM25 would find nothing). The synthetic corpus: never, so its numbers do not
   * depend on the machine's Tesseract.
   */
  AUTO,
  /** OCR every page that has no text; an error when Tesseract is not available. */
  ON,
  /** Never OCR: pages without text are found by their embeddings only. */
  OFF
}
