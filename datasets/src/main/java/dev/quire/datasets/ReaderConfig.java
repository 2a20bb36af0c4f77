package dev.quire.datasets;

import java.util.Objects;

/**
 * Configuration of a {@link DocumentReader}.
 *
 * @param maxDpi the highest resolution a PDF page is rendered at
 * @param targetPixels the pixel budget of one page image: PDF pages are rendered, and larger images
 *     downscaled, to fit within it (never upscaled)
 * @param maxImagePixels images (and images inside PDF pages) declaring more pixels than this are
 *     rejected from their header, before anything is decoded
 * @param maxPagesPerDocument documents with more pages are rejected
 * @param idMode how document ids are derived
 * @param ocr whether pages without a text layer go through OCR (when Tesseract is available)
 * @param maxPageSidePoints PDF pages with a side longer than this (in points, 1/72 inch, after
 *     UserUnit) are rejected
 * @param ocrConfig the OCR engine's settings
 */
public record ReaderConfig(
    int maxDpi,
    long targetPixels,
    long maxImagePixels,
    int maxPagesPerDocument,
    DocumentIdMode idMode,
    boolean ocr,
    double maxPageSidePoints,
    OcrConfig ocrConfig) {

  /**
   * Page images feed Qwen3-VL, whose processor resizes every image to at most max_pixels = visual
   * tokens x 32^2: 786,432 pixels for the 768 tokens colpali-engine trains with, 1,310,720 for the
   * 1280 some loaders use. Rendering beyond the larger of the two only costs time (render time
   * grows with the pixel count) and memory, so this is the budget; a Letter or A4 page lands at
   * about 118 DPI, and the processor's own resampling still has a little headroom to work with.
   */
  public static final long DEFAULT_TARGET_PIXELS = 1280L * 32 * 32;

  /**
   * Small pages (receipts, labels) fit the pixel budget at any resolution; beyond 150 DPI their
   * text is already crisp for the model, and more resolution would just make them slow.
   */
  public static final int DEFAULT_MAX_DPI = 150;

  /** 100 MP: a 600 DPI scan of an A3 sheet is 70 MP; anything larger is a mistake or an attack. */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 100_000_000L;

  /**
   * Catalogues and manuals reach a few thousand pages; tens of thousands means something is off.
   */
  public static final int DEFAULT_MAX_PAGES = 10_000;

  /** 200 inches: the largest page the PDF spec allows without UserUnit scaling. */
  public static final double DEFAULT_MAX_PAGE_SIDE_POINTS = 14_400;

  public ReaderConfig {
    if (maxDpi < 18 || maxDpi > 1200) {
      throw new IllegalArgumentException("maxDpi must be in 18..1200, got " + maxDpi);
    }
    if (targetPixels < 1024) {
      throw new IllegalArgumentException("targetPixels must be at least 1024, got " + targetPixels);
    }
    if (maxImagePixels < targetPixels) {
      throw new IllegalArgumentException(
          "maxImagePixels ("
              + maxImagePixels
              + ") must be at least targetPixels ("
              + targetPixels
              + ")");
    }
    if (maxPagesPerDocument < 1) {
      throw new IllegalArgumentException(
          "maxPagesPerDocument must be at least 1, got " + maxPagesPerDocument);
    }
    Objects.requireNonNull(idMode, "idMode");
    if (!(maxPageSidePoints >= 72)) {
      throw new IllegalArgumentException(
          "maxPageSidePoints must be at least 72 (one inch), got " + maxPageSidePoints);
    }
    Objects.requireNonNull(ocrConfig, "ocrConfig");
  }

  public ReaderConfig(
      int maxDpi,
      long targetPixels,
      long maxImagePixels,
      int maxPagesPerDocument,
      DocumentIdMode idMode,
      boolean ocr) {
    this(
        maxDpi,
        targetPixels,
        maxImagePixels,
        maxPagesPerDocument,
        idMode,
        ocr,
        DEFAULT_MAX_PAGE_SIDE_POINTS,
        OcrConfig.defaults());
  }

  public static ReaderConfig defaults() {
    return new ReaderConfig(
        DEFAULT_MAX_DPI,
        DEFAULT_TARGET_PIXELS,
        DEFAULT_MAX_IMAGE_PIXELS,
        DEFAULT_MAX_PAGES,
        DocumentIdMode.PATH,
        true);
  }

  public ReaderConfig withOcr(boolean enabled) {
    return new ReaderConfig(
        maxDpi,
        targetPixels,
        maxImagePixels,
        maxPagesPerDocument,
        idMode,
        enabled,
        maxPageSidePoints,
        ocrConfig);
  }

  public ReaderConfig withIdMode(DocumentIdMode mode) {
    return new ReaderConfig(
        maxDpi,
        targetPixels,
        maxImagePixels,
        maxPagesPerDocument,
        mode,
        ocr,
        maxPageSidePoints,
        ocrConfig);
  }
}
