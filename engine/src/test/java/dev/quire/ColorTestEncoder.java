package dev.quire;

import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.encoder.PatchGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * A toy late-interaction encoder for pipeline tests, standing in for the real model: a page is
 * cut into a 4 x 4 grid and each cell becomes the vector of the named colour nearest to the
 * cell's mean colour; a query token that names a colour gets that colour's vector, any other
 * word a random one. So "red" finds red pages by their pixels alone, as a visual retriever
 * should find image-only pages, and the scores are exact sums of dot products the tests can
 * recompute. Shared with other modules' tests through this module's test jar.
 */
public final class ColorTestEncoder implements MultiVectorEncoder {

  public static final int DIM = 32;
  public static final String[] NAMES = {"red", "green", "blue", "yellow", "black", "white"};
  static final int[] RGB = {0xD02020, 0x20A040, 0x2040D0, 0xE0D020, 0x101010, 0xF8F8F8};

  private final String name;
  private final float[][] colourVectors = new float[NAMES.length][];

  public ColorTestEncoder() {
    this("color-test-encoder");
  }

  public ColorTestEncoder(String name) {
    this.name = name;
    Random random = new Random(7);
    for (int c = 0; c < NAMES.length; c++) {
      colourVectors[c] = randomUnit(random);
    }
  }

  @Override
  public EncoderInfo info() {
    return new EncoderInfo(name, "sha256:test-" + name, DIM);
  }

  @Override
  public List<MultiVector> encodeQueries(List<String> queries) {
    List<MultiVector> out = new ArrayList<>();
    for (String q : queries) {
      String[] words = q.toLowerCase(Locale.ROOT).split("\\W+");
      List<float[]> tokens = new ArrayList<>();
      for (String w : words) {
        if (w.isEmpty()) {
          continue;
        }
        int c = List.of(NAMES).indexOf(w);
        tokens.add(c >= 0 ? colourVectors[c] : randomUnit(new Random(w.hashCode())));
      }
      if (tokens.isEmpty()) {
        tokens.add(randomUnit(new Random(0)));
      }
      out.add(flatten(tokens));
    }
    return out;
  }

  @Override
  public List<MultiVector> encodePages(List<BufferedImage> pages) {
    List<MultiVector> out = new ArrayList<>();
    for (BufferedImage image : pages) {
      List<float[]> tokens = new ArrayList<>();
      int w = image.getWidth();
      int h = image.getHeight();
      for (int gy = 0; gy < 4; gy++) {
        for (int gx = 0; gx < 4; gx++) {
          tokens.add(colourVectors[nearestColour(image, gx * w / 4, gy * h / 4, w / 4, h / 4)]);
        }
      }
      out.add(flatten(tokens));
    }
    return out;
  }

  @Override
  public Optional<PatchGrid> patchGrid(BufferedImage page) {
    return Optional.of(new PatchGrid(0, 4, 4));
  }

  public static BufferedImage solid(String colour, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int rgb = RGB[List.of(NAMES).indexOf(colour)];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  private static int nearestColour(BufferedImage image, int x0, int y0, int w, int h) {
    long r = 0;
    long g = 0;
    long b = 0;
    int step = Math.max(1, Math.min(w, h) / 8);
    int n = 0;
    for (int y = y0; y < y0 + Math.max(1, h); y += step) {
      for (int x = x0; x < x0 + Math.max(1, w); x += step) {
        int rgb = image.getRGB(Math.min(x, image.getWidth() - 1), Math.min(y, image.getHeight() - 1));
        r += (rgb >> 16) & 0xFF;
        g += (rgb >> 8) & 0xFF;
        b += rgb & 0xFF;
        n++;
      }
    }
    int best = 0;
    long bestDistance = Long.MAX_VALUE;
    for (int c = 0; c < RGB.length; c++) {
      long dr = r / n - ((RGB[c] >> 16) & 0xFF);
      long dg = g / n - ((RGB[c] >> 8) & 0xFF);
      long db = b / n - (RGB[c] & 0xFF);
      long d = dr * dr + dg * dg + db * db;
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }

  private static float[] randomUnit(Random random) {
    float[] v = new float[DIM];
    double norm = 0;
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < DIM; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  private static MultiVector flatten(List<float[]> tokens) {
    float[] values = new float[tokens.size() * DIM];
    for (int t = 0; t < tokens.size(); t++) {
      System.arraycopy(tokens.get(t), 0, values, t * DIM, DIM);
    }
    return new MultiVector(tokens.size(), DIM, values);
  }
}
