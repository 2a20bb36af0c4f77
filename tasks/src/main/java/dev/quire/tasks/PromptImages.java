package dev.quire.tasks;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Page images sized for a prompt. Qwen3-VL spends a visual token per 32×32 pixels, so a page
 * rendered for reading (about 2 megapixels) costs about 1,900 tokens: shown whole where its
 * small print matters (extraction), scaled down where the gist is enough (classification,
 * several pages for a question, whose text goes along).
 */
public final class PromptImages {

  /** About 640 visual tokens. */
  public static final long GIST_PIXELS = 655_360;

  private PromptImages() {}

  /** {@code image} scaled to at most {@code maxPixels} pixels (unchanged when it fits). */
  public static BufferedImage fit(BufferedImage image, long maxPixels) {
    if (image == null) {
      return null;
    }
    long pixels = (long) image.getWidth() * image.getHeight();
    if (pixels <= maxPixels) {
      return image;
    }
    double scale = Math.sqrt((double) maxPixels / pixels);
    int width = Math.max(1, (int) (image.getWidth() * scale));
    int height = Math.max(1, (int) (image.getHeight() * scale));
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
