package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ExifOrientationProperties {

  /** The orientation that undoes each one: the quarter turns undo each other, the rest themselves. */
  private static final int[] INVERSE = {0, 1, 2, 3, 4, 5, 8, 7, 6};

  private static BufferedImage noise(int width, int height, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertThat(actual.getRGB(x, y)).as("pixel %d, %d", x, y).isEqualTo(expected.getRGB(x, y));
      }
    }
  }

  @Property(tries = 60)
  void turningUprightAndBackGivesTheImageBack(
      @ForAll @IntRange(min = 1, max = 8) int orientation, @ForAll @IntRange(min = 1, max = 17) int width,
      @ForAll @IntRange(min = 1, max = 17) int height, @ForAll long seed) {
    BufferedImage image = noise(width, height, seed);
    BufferedImage upright = ExifOrientation.upright(image, orientation);
    assertThat(upright.getWidth()).isEqualTo(orientation >= 5 ? height : width);
    assertSamePixels(ExifOrientation.upright(upright, INVERSE[orientation]), image);
  }

  @Property(tries = 30)
  void aQuarterTurnIsJava2dsQuarterRotation(
      @ForAll @IntRange(min = 1, max = 17) int width, @ForAll @IntRange(min = 1, max = 17) int height,
      @ForAll long seed) {
    BufferedImage image = noise(width, height, seed);
    AffineTransform clockwise = AffineTransform.getTranslateInstance(height, 0);
    clockwise.quadrantRotate(1);
    BufferedImage expected = new BufferedImage(height, width, BufferedImage.TYPE_INT_RGB);
    new AffineTransformOp(clockwise, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, expected);
    assertSamePixels(ExifOrientation.upright(image, 6), expected);
  }
}
