package dev.quire.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * Optical character recognition of page images. OCR is optional: an engine may be unavailable
 * (disabled, or Tesseract or its language data not installed), in which case {@link #status()} says
 * why in words a user can act on.
 *
 * <p>Thread-safe: each calling thread gets its own native Tesseract instance (Tesseract itself is
 * not thread-safe).
 */
public interface OcrEngine extends AutoCloseable {

  boolean available();

  /**
   * When available, what runs (e.g. "Tesseract 5.3.0, language eng, data in /usr/share/...");
   * otherwise why not and how to fix it.
   */
  String status();

  /**
   * The text in the image, lines separated by {@code \n}, trimmed.
   *
   * @param dpi the image's resolution, or 0 when unknown (Tesseract then estimates it)
   * @throws IllegalStateException when the engine is not available or closed
   * @throws IOException when Tesseract fails on this image
   */
  String recognize(BufferedImage image, int dpi) throws IOException;

  /** Releases the native instances of all threads; the engine cannot be used afterwards. */
  @Override
  void close();

  /** Finds Tesseract as {@code config} says; never throws: a failure becomes the status. */
  static OcrEngine tesseract(OcrConfig config) {
    return TesseractOcr.locate(config);
  }

  /** An engine that is never available, giving {@code reason} as its status. */
  static OcrEngine unavailable(String reason) {
    return new UnavailableOcr(reason);
  }
}
