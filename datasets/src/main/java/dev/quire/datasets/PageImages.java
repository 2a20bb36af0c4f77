package dev.quire.datasets;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Pixel-format conversions and resampling of page images. */
final class PageImages {
  private PageImages() {}

  /** The image as {@code TYPE_INT_RGB}; transparency is flattened onto white, as on paper. */
  static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    return redraw(image, BufferedImage.TYPE_INT_RGB);
  }

  /** The image as 8-bit grey, what Tesseract reads fastest. */
  static BufferedImage toGray(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      return image;
    }
    return redraw(image, BufferedImage.TYPE_BYTE_GRAY);
  }

  private static BufferedImage redraw(BufferedImage image, int type) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Downscales to fit {@code targetPixels}, keeping the aspect ratio; never upscales. */
  static BufferedImage fitWithin(BufferedImage image, long targetPixels) {
    PageSizing.Size size = PageSizing.fitWithin(image.getWidth(), image.getHeight(), targetPixels);
    return resize(image, size.width(), size.height());
  }

  /**
   * Resizes an RGB image. Downscaling halves the image with bilinear filtering until one last
   * bilinear step remains: a single bilinear step over a large factor skips pixels and drops the
   * thin strokes text is made of.
   */
  static BufferedImage resize(BufferedImage image, int width, int height) {
    BufferedImage current = toRgb(image);
    if (current.getWidth() == width && current.getHeight() == height) {
      return current;
    }
    while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    return draw(current, width, height);
  }

  private static BufferedImage draw(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
