package dev.quire.samples;

import java.awt.Color;
import java.util.List;
import org.apache.pdfbox.pdmodel.font.PDFont;

/** Draws tables in a document's {@link Style.TableLook}. */
final class Tables {
  private static final float PADDING = 4;
  private static final float MIN_FONT = 5.5f;

  private Tables() {}

  static float rowHeight(float fontSize) {
    return fontSize * 1.9f;
  }

  /**
   * Draws {@code rows} (header first) with its top edge at {@code top}; returns the y of its bottom
   * edge. Columns flagged in {@code rightAligned} hold numbers.
   */
  static float draw(
      PageCanvas canvas,
      Style style,
      float x,
      float top,
      float[] widths,
      boolean[] rightAligned,
      List<List<String>> rows,
      float fontSize) {
    float rowHeight = rowHeight(fontSize);
    float total = 0;
    for (float width : widths) {
      total += width;
    }
    float y = top;
    for (int r = 0; r < rows.size(); r++) {
      boolean header = r == 0;
      float bottom = y - rowHeight;
      Color ink = Style.INK;
      if (header && style.tables() != Style.TableLook.PLAIN) {
        canvas.fillRect(x, bottom, total, rowHeight, style.accent());
        ink = Color.WHITE;
      } else if (!header && style.tables() == Style.TableLook.ZEBRA && r % 2 == 0) {
        canvas.fillRect(x, bottom, total, rowHeight, style.tint());
      }
      PDFont font = header ? style.bold() : style.regular();
      float cellX = x;
      for (int c = 0; c < widths.length; c++) {
        String cell = rows.get(r).get(c);
        float size = fitting(font, fontSize, widths[c] - 2 * PADDING, cell);
        float baseline = bottom + (rowHeight - size * 0.7f) / 2;
        if (rightAligned[c]) {
          canvas.textRight(font, size, cellX + widths[c] - PADDING, baseline, cell, ink);
        } else {
          canvas.text(font, size, cellX + PADDING, baseline, cell, ink);
        }
        cellX += widths[c];
      }
      if (header && style.tables() == Style.TableLook.PLAIN) {
        canvas.line(x, bottom, x + total, bottom, Style.INK, 1f);
      } else if (!header && style.tables() == Style.TableLook.RULED) {
        canvas.line(x, bottom, x + total, bottom, Style.RULE, 0.5f);
      }
      y = bottom;
    }
    return y;
  }

  /** The largest size up to {@code size} at which {@code text} fits {@code width}. */
  static float fitting(PDFont font, float size, float width, String text) {
    float fitted = size;
    while (fitted > MIN_FONT && PageCanvas.textWidth(font, fitted, text) > width) {
      fitted -= 0.5f;
    }
    return fitted;
  }
}
