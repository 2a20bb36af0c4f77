package dev.quire.datasets;

import java.awt.image.BufferedImage;
import java.util.Objects;

/** The engine in place when OCR is disabled or cannot run. */
record UnavailableOcr(String status) implements OcrEngine {
  UnavailableOcr {
    Objects.requireNonNull(status, "status");
  }

  @Override
  public boolean available() {
    return false;
  }

  @Override
  public String recognize(BufferedImage image, int dpi) {
    throw new IllegalStateException("OCR is not available: " + status);
  }

  @Override
  public void close() {}
}
