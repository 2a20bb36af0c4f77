package dev.quire.datasets;

/**
 * How big a page image is made: the arithmetic behind {@link ReaderConfig#targetPixels()} and
 * {@link ReaderConfig#maxDpi()}, kept apart so its invariants can be property-tested.
 */
final class PageSizing {
  private PageSizing() {}

  /** Width and height in pixels. */
  record Size(int width, int height) {
    long pixels() {
      return (long) width * height;
    }
  }

  /**
   * The scale (pixels per point; 1 = 72 DPI) at which a page of the given size in points fits
   * within {@code targetPixels} without exceeding {@code maxDpi}.
   */
  static float renderScale(double widthPt, double heightPt, double maxDpi, long targetPixels) {
    if (!(widthPt > 0 && heightPt > 0)) {
      throw new IllegalArgumentException(
          "page size must be positive, got " + widthPt + " x " + heightPt + " pt");
    }
    double byDpi = maxDpi / 72.0;
    double byBudget = Math.sqrt(targetPixels / (widthPt * heightPt));
    double exact = Math.min(byDpi, byBudget);
    float scale = (float) exact;
    if (scale < exact) {
      // Round up, or 3 inches at 150 DPI comes out 449 pixels wide; the budget is checked below.
      scale = Math.nextUp(scale);
    }
    if (Math.min(widthPt, heightPt) * scale < 1) {
      // A sliver: its short side clamps to one pixel, so the long side alone must fit the budget.
      scale = (float) Math.min(scale, targetPixels / Math.max(widthPt, heightPt));
    }
    // PDFBox takes a float: step down the few ulps by which rounding may overshoot the budget.
    while (renderedSize(widthPt, heightPt, scale).pixels() > targetPixels) {
      scale = Math.nextDown(scale);
    }
    return scale;
  }

  /** The pixel size PDFBox's renderer gives a page of that size at that scale. */
  static Size renderedSize(double widthPt, double heightPt, float scale) {
    return new Size(
        (int) Math.max(Math.floor(widthPt * scale), 1),
        (int) Math.max(Math.floor(heightPt * scale), 1));
  }

  /**
   * The largest size with about the aspect ratio of {@code width x height} that holds at most
   * {@code targetPixels}; the size itself when it already fits (images are never upscaled).
   */
  static Size fitWithin(int width, int height, long targetPixels) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + " x " + height);
    }
    if ((long) width * height <= targetPixels) {
      return new Size(width, height);
    }
    double scale = Math.sqrt((double) targetPixels / ((double) width * height));
    long w = Math.max(1, (long) Math.floor(width * scale));
    long h = Math.max(1, (long) Math.floor(height * scale));
    // A sliver (1 x 10^8) clamps one side to 1 pixel; cap the other so the budget still holds.
    if (w * h > targetPixels) {
      if (w == 1) {
        h = targetPixels;
      } else {
        w = targetPixels;
      }
    }
    return new Size((int) w, (int) h);
  }

  /**
   * The smallest ImageIO source subsampling factor that decodes a {@code width x height} image to
   * at most {@code budget} pixels (ImageIO keeps ceil(side / factor) pixels per side).
   */
  static int subsampling(int width, int height, long budget) {
    if (width < 1 || height < 1 || budget < 1) {
      throw new IllegalArgumentException(
          "subsampling needs positive sizes, got " + width + " x " + height + ", budget " + budget);
    }
    int factor = (int) Math.max(1, Math.floor(Math.sqrt((double) width * height / budget)));
    while (ceilDiv(width, factor) * ceilDiv(height, factor) > budget) {
      factor++;
    }
    return factor;
  }

  private static long ceilDiv(int side, int factor) {
    return (side + (long) factor - 1) / factor;
  }
}
