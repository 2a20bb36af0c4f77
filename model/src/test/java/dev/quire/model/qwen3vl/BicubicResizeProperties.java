package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The SIMD and scalar resize kernels agree bit for bit on awkward sizes, shrinking and growing. */
class BicubicResizeProperties {

  @Property(tries = 60)
  void simdAndScalarKernelsAgree(@ForAll @IntRange(min = 1, max = 70) int height,
      @ForAll @IntRange(min = 1, max = 70) int width,
      @ForAll @IntRange(min = 1, max = 90) int outHeight,
      @ForAll @IntRange(min = 1, max = 90) int outWidth,
      @ForAll long seed) {
    byte[] rgb = new byte[height * width * 3];
    new Random(seed).nextBytes(rgb);
    byte[] simd = BicubicResize.resize(rgb, height, width, outHeight, outWidth, true);
    byte[] scalar = BicubicResize.resize(rgb, height, width, outHeight, outWidth, false);
    assertThat(simd).hasSize(outHeight * outWidth * 3).isEqualTo(scalar);
  }

  @Property(tries = 30)
  void aConstantImageStaysConstant(@ForAll @IntRange(min = 2, max = 60) int height,
      @ForAll @IntRange(min = 2, max = 60) int width,
      @ForAll @IntRange(min = 1, max = 80) int outHeight,
      @ForAll @IntRange(min = 1, max = 80) int outWidth,
      @ForAll @IntRange(min = 0, max = 255) int value) {
    byte[] rgb = new byte[height * width * 3];
    Arrays.fill(rgb, (byte) value);
    // the weights of every output sum to one (up to int16 rounding, which the shift absorbs)
    byte[] out = BicubicResize.resize(rgb, height, width, outHeight, outWidth);
    for (byte b : out) {
      assertThat(b & 0xFF).isBetween(Math.max(0, value - 1), Math.min(255, value + 1));
    }
  }
}
