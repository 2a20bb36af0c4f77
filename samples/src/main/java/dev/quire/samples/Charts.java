package dev.quire.samples;

import java.awt.Color;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Bar and line charts drawn with PDF vector graphics, their labels as real text. Values are printed
 * in a row under the category labels, a data table as spreadsheets draw it: labels floating at the
 * bars' or points' heights sit on baselines a few points apart, and text extraction by position
 * then interleaves and splits them.
 */
final class Charts {
  private Charts() {}

  /** The chart area's lower-left corner is ({@code x}, {@code y}). */
  static void bars(
      PageCanvas canvas,
      Style style,
      float x,
      float y,
      float width,
      float height,
      List<String> header,
      List<String> labels,
      List<Long> values,
      LongFunction<String> format,
      float textSize) {
    long max = axis(canvas, style, x, y, width, height, values, textSize);
    rowHeaders(canvas, style, x, y, header, textSize);
    float slot = width / labels.size();
    for (int i = 0; i < labels.size(); i++) {
      float barHeight = height * values.get(i) / max;
      float barX = x + i * slot + slot * 0.2f;
      canvas.fillRect(
          barX, y, slot * 0.6f, barHeight, i % 2 == 0 ? style.accent() : style.accent().darker());
      String label = labels.get(i);
      float center = x + i * slot + slot / 2;
      canvas.textCenter(
          style.regular(),
          Tables.fitting(style.regular(), textSize, slot - 4, label),
          center,
          categoryRow(y, textSize),
          label);
      String value = format.apply(values.get(i));
      canvas.textCenter(
          style.bold(),
          Tables.fitting(style.bold(), textSize, slot - 4, value),
          center,
          valueRow(y, textSize),
          value);
    }
  }

  static void line(
      PageCanvas canvas,
      Style style,
      float x,
      float y,
      float width,
      float height,
      List<String> header,
      List<String> labels,
      List<Long> values,
      LongFunction<String> format,
      float textSize) {
    long max = axis(canvas, style, x, y, width, height, values, textSize);
    rowHeaders(canvas, style, x, y, header, textSize);
    float slot = width / labels.size();
    float[] xs = new float[labels.size()];
    float[] ys = new float[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      xs[i] = x + i * slot + slot / 2;
      ys[i] = y + height * values.get(i) / max;
    }
    canvas.polyline(xs, ys, style.accent(), 1.8f);
    for (int i = 0; i < labels.size(); i++) {
      canvas.fillRect(xs[i] - 2.5f, ys[i] - 2.5f, 5, 5, style.accent().darker());
      canvas.textCenter(
          style.regular(),
          Tables.fitting(style.regular(), textSize, slot - 3, labels.get(i)),
          xs[i],
          categoryRow(y, textSize),
          labels.get(i));
      String value = format.apply(values.get(i));
      canvas.textCenter(
          style.bold(),
          Tables.fitting(style.bold(), textSize * 0.9f, slot - 3, value),
          xs[i],
          valueRow(y, textSize),
          value);
    }
  }

  private static float categoryRow(float y, float textSize) {
    return y - 1.5f * textSize;
  }

  private static float valueRow(float y, float textSize) {
    return y - 3.1f * textSize;
  }

  /** Names the two rows of the data table (categories, values) at their left. */
  private static void rowHeaders(
      PageCanvas canvas, Style style, float x, float y, List<String> header, float textSize) {
    float size = textSize * 0.9f;
    canvas.textRight(
        style.italic(),
        Tables.fitting(style.italic(), size, x - 10, header.get(0)),
        x - 6,
        categoryRow(y, textSize),
        header.get(0),
        Style.GREY);
    canvas.textRight(
        style.italic(),
        Tables.fitting(style.italic(), size, x - 10, header.get(1)),
        x - 6,
        valueRow(y, textSize),
        header.get(1),
        Style.GREY);
  }

  /** Draws the axes and four gridlines with their tick labels; returns the axis maximum. */
  private static long axis(
      PageCanvas canvas,
      Style style,
      float x,
      float y,
      float width,
      float height,
      List<Long> values,
      float textSize) {
    long max = niceCeiling(values.stream().mapToLong(Long::longValue).max().orElse(1) * 23 / 20);
    for (int tick = 0; tick <= 4; tick++) {
      float tickY = y + height * tick / 4;
      canvas.line(
          x,
          tickY,
          x + width,
          tickY,
          tick == 0 ? Style.INK : new Color(0xDD, 0xDD, 0xDD),
          tick == 0 ? 1f : 0.5f);
      canvas.textRight(
          style.regular(),
          textSize * 0.85f,
          x - 4,
          tickY - textSize * 0.3f,
          Fabricator.count(max * tick / 4),
          Style.GREY);
    }
    canvas.line(x, y, x, y + height, Style.INK, 1f);
    return max;
  }

  /**
   * The smallest "round" number at least {@code value}: 1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6 or 8 x 10^k;
   * from 100 up, its quarters (the gridlines) are whole numbers too.
   */
  static long niceCeiling(long value) {
    long magnitude = 10;
    while (magnitude * 10 <= Math.max(10, value)) {
      magnitude *= 10;
    }
    for (long tenths : new long[] {10, 12, 16, 20, 24, 32, 40, 60, 80, 100}) {
      if (tenths * magnitude / 10 >= value) {
        return tenths * magnitude / 10;
      }
    }
    return 10 * magnitude;
  }
}
