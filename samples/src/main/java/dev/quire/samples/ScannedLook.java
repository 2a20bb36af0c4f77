package dev.quire.samples;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Turns a document into what a scanner makes of it: every page becomes a grey JPEG, slightly
 * rotated, with paper tone and sensor noise, and nothing else: no text layer.
 */
final class ScannedLook {
  /** A common office-scanner resolution; enough for OCR of 8 pt text. */
  static final float SCAN_DPI = 240;

  private ScannedLook() {}

  static PDDocument scan(PDDocument vector, Random random) throws IOException {
    PDFRenderer renderer = new PDFRenderer(vector);
    PDDocument scanned = new PDDocument();
    try {
      for (int i = 0; i < vector.getNumberOfPages(); i++) {
        PDRectangle box = vector.getPage(i).getMediaBox();
        BufferedImage clean = renderer.renderImage(i, SCAN_DPI / 72, ImageType.GRAY);
        BufferedImage image = roughen(clean, random);
        PDPage page = new PDPage(new PDRectangle(box.getWidth(), box.getHeight()));
        scanned.addPage(page);
        PDImageXObject xobject = JPEGFactory.createFromImage(scanned, image, 0.75f);
        try (PDPageContentStream out = new PDPageContentStream(scanned, page)) {
          out.drawImage(xobject, 0, 0, box.getWidth(), box.getHeight());
        }
      }
      return scanned;
    } catch (IOException | RuntimeException e) {
      scanned.close();
      throw e;
    }
  }

  /** Rotation by 0.3-1.2 degrees either way, a paper tone, grain and a few specks. */
  static BufferedImage roughen(BufferedImage clean, Random random) {
    int width = clean.getWidth();
    int height = clean.getHeight();
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      double degrees = (0.3 + random.nextDouble() * 0.9) * (random.nextBoolean() ? 1 : -1);
      g.rotate(Math.toRadians(degrees), width / 2.0, height / 2.0);
      g.drawImage(clean, 0, 0, null);
    } finally {
      g.dispose();
    }
    // Paper is never pure white: multiply by its tone, then add grain.
    int paper = 228 + random.nextInt(20);
    WritableRaster raster = out.getRaster();
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      raster.getSamples(0, y, width, 1, 0, row);
      for (int x = 0; x < width; x++) {
        int value = row[x] * paper / 255 + (int) Math.round(random.nextGaussian() * 7);
        row[x] = Math.max(0, Math.min(255, value));
      }
      raster.setSamples(0, y, width, 1, 0, row);
    }
    int specks = 40 + random.nextInt(80);
    for (int i = 0; i < specks; i++) {
      int x = random.nextInt(width);
      int y = random.nextInt(height);
      int size = 1 + random.nextInt(3);
      for (int dy = 0; dy < size && y + dy < height; dy++) {
        for (int dx = 0; dx < size && x + dx < width; dx++) {
          raster.setSample(x + dx, y + dy, 0, 40 + random.nextInt(60));
        }
      }
    }
    return out;
  }
}
