package dev.quire.datasets;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OCR step of page reading: the engine is located on first need (loading Tesseract takes a
 * moment), its absence is reported once, and a failure on one page costs only that page's text.
 */
final class PageOcr implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PageOcr.class);

  private final ReaderConfig config;
  private final AtomicBoolean warned = new AtomicBoolean();
  private OcrEngine engine;

  PageOcr(ReaderConfig config) {
    this.config = config;
  }

  synchronized OcrEngine engine() {
    if (engine == null) {
      engine =
          config.ocr()
              ? OcrEngine.tesseract(config.ocrConfig())
              : OcrEngine.unavailable("OCR is disabled (ReaderConfig.ocr is false)");
    }
    return engine;
  }

  /** Whether pages without text go through OCR; says once why not when OCR is wanted but absent. */
  boolean active() {
    if (!config.ocr()) {
      return false;
    }
    OcrEngine current = engine();
    if (!current.available() && warned.compareAndSet(false, true)) {
      LOG.warn(
          "OCR is unavailable, so scanned pages and images will have no text: {}",
          current.status());
    }
    return current.available();
  }

  /** The recognised text, or "" (logged) when Tesseract fails on this image. */
  String recognize(BufferedImage image, int dpi, Path file, int page) {
    try {
      return engine().recognize(image, dpi);
    } catch (IOException e) {
      LOG.warn("OCR failed on {} page {}: {}", file, page, e.getMessage());
      return "";
    }
  }

  @Override
  public synchronized void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
