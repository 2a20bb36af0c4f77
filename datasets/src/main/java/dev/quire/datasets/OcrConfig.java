package dev.quire.datasets;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of the Tesseract OCR engine.
 *
 * @param language Tesseract language code(s), e.g. {@code eng} or {@code eng+deu}
 * @param tessdata folder holding {@code <language>.traineddata}; {@code null} searches {@code
 *     TESSDATA_PREFIX} and the usual install locations
 * @param dpi resolution at which a PDF page without a text layer is rendered for OCR
 * @param maxPixels largest image handed to Tesseract; bigger scans are subsampled first
 */
public record OcrConfig(String language, Path tessdata, int dpi, long maxPixels) {

  /** Tesseract's models are trained on text of about 20-40 px x-height: 300 DPI for body text. */
  public static final int DEFAULT_DPI = 300;

  /** A Letter page at 400 DPI; more only slows Tesseract down. */
  public static final long DEFAULT_MAX_PIXELS = 16_000_000L;

  private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z0-9_]+(\\+[A-Za-z0-9_]+)*");

  public OcrConfig {
    Objects.requireNonNull(language, "language");
    if (!LANGUAGE.matcher(language).matches()) {
      throw new IllegalArgumentException(
          "language must look like 'eng' or 'eng+deu', got '" + language + "'");
    }
    if (dpi < 72 || dpi > 1200) {
      throw new IllegalArgumentException("dpi must be in 72..1200, got " + dpi);
    }
    if (maxPixels < 1_000_000L) {
      throw new IllegalArgumentException("maxPixels must be at least 1000000, got " + maxPixels);
    }
  }

  public static OcrConfig defaults() {
    return new OcrConfig("eng", null, DEFAULT_DPI, DEFAULT_MAX_PIXELS);
  }
}
