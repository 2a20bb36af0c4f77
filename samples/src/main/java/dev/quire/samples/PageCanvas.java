package dev.quire.samples;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;

/**
 * Draws one PDF page and remembers every string it shows, so the ground-truth text is exactly the
 * page's text. Coordinates are PDF points from the bottom-left corner; text positions are
 * baselines. PDFBox's IOExceptions (it writes to memory here) surface as UncheckedIOException.
 */
final class PageCanvas implements AutoCloseable {
  /** Runs whose baselines are this close (in points) read as one line. */
  private static final float SAME_LINE = 2f;

  private record TextRun(float x, float y, float width, float size, String text) {
    boolean overlaps(TextRun other) {
      // Glyph boxes from descender to cap height, shrunk a little: touching is fine.
      float slack = 0.5f;
      return x + slack < other.x + other.width
          && other.x + slack < x + width
          && y - 0.2f * size + slack < other.y + 0.75f * other.size
          && other.y - 0.2f * other.size + slack < y + 0.75f * size;
    }
  }

  private final PDPageContentStream out;
  private final PDRectangle size;
  private final List<TextRun> runs = new ArrayList<>();

  PageCanvas(PDDocument document, PDRectangle size) {
    this.size = size;
    PDPage page = new PDPage(size);
    document.addPage(page);
    try {
      this.out = new PDPageContentStream(document, page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  float width() {
    return size.getWidth();
  }

  float height() {
    return size.getHeight();
  }

  static float textWidth(PDFont font, float fontSize, String text) {
    try {
      return font.getStringWidth(text) / 1000f * fontSize;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void text(PDFont font, float fontSize, float x, float y, String text) {
    text(font, fontSize, x, y, text, Color.BLACK);
  }

  void text(PDFont font, float fontSize, float x, float y, String text, Color color) {
    if (text.isBlank()) {
      return;
    }
    try {
      out.setNonStrokingColor(color);
      out.beginText();
      out.setFont(font, fontSize);
      out.newLineAtOffset(x, y);
      out.showText(text);
      out.endText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runs.add(new TextRun(x, y, textWidth(font, fontSize, text), fontSize, text));
  }

  void textRight(PDFont font, float fontSize, float right, float y, String text) {
    text(font, fontSize, right - textWidth(font, fontSize, text), y, text);
  }

  void textRight(PDFont font, float fontSize, float right, float y, String text, Color color) {
    text(font, fontSize, right - textWidth(font, fontSize, text), y, text, color);
  }

  void textCenter(PDFont font, float fontSize, float center, float y, String text) {
    text(font, fontSize, center - textWidth(font, fontSize, text) / 2, y, text);
  }

  void textCenter(PDFont font, float fontSize, float center, float y, String text, Color color) {
    text(font, fontSize, center - textWidth(font, fontSize, text) / 2, y, text, color);
  }

  /** Splits {@code text} into lines no wider than {@code maxWidth}, breaking at spaces. */
  static List<String> wrap(PDFont font, float fontSize, float maxWidth, String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" +")) {
      String candidate = line.isEmpty() ? word : line + " " + word;
      if (!line.isEmpty() && textWidth(font, fontSize, candidate) > maxWidth) {
        lines.add(line.toString());
        line.setLength(0);
        line.append(word);
      } else {
        line.setLength(0);
        line.append(candidate);
      }
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** Draws wrapped text from baseline {@code y} down; returns the baseline below the last line. */
  float paragraph(
      PDFont font, float fontSize, float x, float y, float maxWidth, float leading, String text) {
    float baseline = y;
    for (String line : wrap(font, fontSize, maxWidth, text)) {
      text(font, fontSize, x, baseline, line);
      baseline -= leading;
    }
    return baseline;
  }

  void fillRect(float x, float y, float w, float h, Color color) {
    try {
      out.setNonStrokingColor(color);
      out.addRect(x, y, w, h);
      out.fill();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void strokeRect(float x, float y, float w, float h, Color color, float lineWidth) {
    try {
      out.setStrokingColor(color);
      out.setLineWidth(lineWidth);
      out.addRect(x, y, w, h);
      out.stroke();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void line(float x1, float y1, float x2, float y2, Color color, float lineWidth) {
    try {
      out.setStrokingColor(color);
      out.setLineWidth(lineWidth);
      out.moveTo(x1, y1);
      out.lineTo(x2, y2);
      out.stroke();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void polyline(float[] xs, float[] ys, Color color, float lineWidth) {
    try {
      out.setStrokingColor(color);
      out.setLineWidth(lineWidth);
      out.moveTo(xs[0], ys[0]);
      for (int i = 1; i < xs.length; i++) {
        out.lineTo(xs[i], ys[i]);
      }
      out.stroke();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Descriptions of text runs drawn over each other: a layout bug, the page would be unreadable.
   */
  List<String> overlaps() {
    List<String> overlaps = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      for (int j = i + 1; j < runs.size(); j++) {
        if (runs.get(i).overlaps(runs.get(j))) {
          overlaps.add("'" + runs.get(i).text() + "' and '" + runs.get(j).text() + "'");
        }
      }
    }
    return overlaps;
  }

  /** The page's text in reading order: lines from the top, runs in a line from the left. */
  String text() {
    List<TextRun> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble((TextRun r) -> -r.y()).thenComparingDouble(TextRun::x));
    List<List<TextRun>> lines = new ArrayList<>();
    for (TextRun run : sorted) {
      List<TextRun> last = lines.isEmpty() ? null : lines.get(lines.size() - 1);
      if (last != null && Math.abs(last.get(0).y() - run.y()) <= SAME_LINE) {
        last.add(run);
      } else {
        lines.add(new ArrayList<>(List.of(run)));
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<TextRun> line : lines) {
      line.sort(Comparator.comparingDouble(TextRun::x));
      if (!text.isEmpty()) {
        text.append('\n');
      }
      for (int i = 0; i < line.size(); i++) {
        text.append(i == 0 ? "" : " ").append(line.get(i).text());
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
