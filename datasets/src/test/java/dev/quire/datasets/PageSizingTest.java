package dev.quire.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class PageSizingTest {

  @Property
  void renderedPagesFitTheBudgetAndTheDpiCap(
      @ForAll @DoubleRange(min = 1, max = 14_400) double widthPt,
      @ForAll @DoubleRange(min = 1, max = 14_400) double heightPt,
      @ForAll @IntRange(min = 18, max = 1200) int maxDpi,
      @ForAll @LongRange(min = 1024, max = 50_000_000) long targetPixels) {
    float scale = PageSizing.renderScale(widthPt, heightPt, maxDpi, targetPixels);
    PageSizing.Size size = PageSizing.renderedSize(widthPt, heightPt, scale);
    assertThat(size.pixels()).isLessThanOrEqualTo(targetPixels);
    assertThat(scale * 72.0).isLessThanOrEqualTo(maxDpi * (1 + 1e-6));
    // Tight: one of the two limits is (nearly) reached, unless a sliver page clamps.
    if (Math.min(widthPt, heightPt) * scale >= 1) {
      double byBudget = Math.sqrt(targetPixels / (widthPt * heightPt));
      assertThat((double) scale).isGreaterThanOrEqualTo(Math.min(maxDpi / 72.0, byBudget) * 0.999);
    }
  }

  @Example
  void defaultBudgetPutsLetterAtAbout118Dpi() {
    float scale =
        PageSizing.renderScale(
            612, 792, ReaderConfig.DEFAULT_MAX_DPI, ReaderConfig.DEFAULT_TARGET_PIXELS);
    assertThat(scale * 72).isBetween(118f, 119f);
  }

  @Property
  void fittingNeverUpscalesAndKeepsTheShape(
      @ForAll @IntRange(min = 1, max = 60_000) int width,
      @ForAll @IntRange(min = 1, max = 60_000) int height,
      @ForAll @LongRange(min = 1024, max = 20_000_000) long target) {
    PageSizing.Size size = PageSizing.fitWithin(width, height, target);
    assertThat(size.width()).isBetween(1, width);
    assertThat(size.height()).isBetween(1, height);
    assertThat(size.pixels())
        .isLessThanOrEqualTo(
            Math.max(target, (long) width * height <= target ? (long) width * height : target));
    if ((long) width * height <= target) {
      assertThat(size).isEqualTo(new PageSizing.Size(width, height));
    } else if (size.width() > 1 && size.height() > 1) {
      double ratio = (double) width / height;
      double fitted = (double) size.width() / size.height();
      // Flooring each side moves the ratio by at most one pixel's worth.
      assertThat(Math.abs(fitted - ratio) / ratio)
          .isLessThanOrEqualTo(1.0 / Math.min(size.width(), size.height()) + 1e-9);
    }
  }

  @Property
  void subsamplingIsTheSmallestFactorThatFits(
      @ForAll @IntRange(min = 1, max = 100_000) int width,
      @ForAll @IntRange(min = 1, max = 100_000) int height,
      @ForAll @LongRange(min = 1, max = 50_000_000) long budget) {
    int factor = PageSizing.subsampling(width, height, budget);
    assertThat(decoded(width, height, factor)).isLessThanOrEqualTo(budget);
    if (factor > 1) {
      assertThat(decoded(width, height, factor - 1)).isGreaterThan(budget);
    }
  }

  private static long decoded(int width, int height, int factor) {
    return ((width + (long) factor - 1) / factor) * ((height + (long) factor - 1) / factor);
  }
}
