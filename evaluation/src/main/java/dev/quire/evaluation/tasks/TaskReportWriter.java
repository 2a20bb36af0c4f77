package dev.quire.evaluation.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A tasks evaluation written out: {@code report.json} (everything, snake_case), {@code report.md}
 * (the tables and the command that made them) and {@code confusion.png} (the classification
 * confusion matrix, truth in rows).
 */
public final class TaskReportWriter {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private TaskReportWriter() {}

  public static void write(Path dir, TaskEvalReport report, String command) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"), JSON.writeValueAsString(report) + "\n");
    Files.writeString(dir.resolve("report.md"), markdown(report, command));
    if (report.classification() != null) {
      ImageIO.write(confusion(report.classification()), "png", dir.resolve("confusion.png").toFile());
    }
  }

  static String markdown(TaskEvalReport r, String command) {
    StringBuilder md = new StringBuilder("# Document tasks on the synthetic corpus\n\n");
    TaskEvalSettings s = r.settings();
    md.append("`").append(command).append("`\n\n");
    md.append(String.format(Locale.ROOT, "Model: %s. Corpus: %d documents, seed %d. Ask: k = %d, %s.%n%n",
        s.model(), s.documents(), s.seed(), s.k(), s.images() ? "page images and text" : "page text only"));
    if (r.classification() != null) {
      TaskEvalReport.Classification c = r.classification();
      md.append("## Classification\n\n");
      md.append(String.format(Locale.ROOT, "Accuracy %.3f (%d of %d documents). Confusion matrix:"
          + " confusion.png (truth in rows).%n%n", c.accuracy(), c.correct(), c.documents()));
      md.append("| truth \\ predicted | ").append(String.join(" | ", c.labels())).append(" |\n|---|");
      md.append("---:|".repeat(c.labels().size())).append('\n');
      for (Map.Entry<String, Map<String, Integer>> row : c.confusion().entrySet()) {
        md.append("| ").append(row.getKey()).append(" |");
        for (String label : c.labels()) {
          int n = row.getValue().getOrDefault(label, 0);
          md.append(' ').append(n == 0 ? "" : Integer.toString(n)).append(" |");
        }
        md.append('\n');
      }
      md.append('\n');
    }
    if (r.extraction() != null) {
      TaskEvalReport.Extraction e = r.extraction();
      md.append("## Extraction\n\nScalar fields under each document's true type's schema (line items are"
          + " not scored)");
      md.append(e.failed() > 0 ? "; " + e.failed() + " documents had no readable answer.\n\n" : ".\n\n");
      md.append("| type | TP | FP | FN | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|---:|\n");
      for (Map.Entry<String, TaskEvalReport.FieldCounts> row : e.byType().entrySet()) {
        counts(md, row.getKey(), row.getValue());
      }
      counts(md, "**all**", e.overall());
      md.append('\n');
    }
    if (r.ask() != null) {
      TaskEvalReport.Ask a = r.ask();
      md.append("## Ask\n\n");
      md.append(String.format(Locale.ROOT, "| questions | page shown (retrieval) | page cited | answer holds"
          + " the printed value | not found | failed |%n|---:|---:|---:|---:|---:|---:|%n"
          + "| %d | %d (%.3f) | %d (%.3f) | %d (%.3f) | %d | %d |%n%n",
          a.questions(), a.pageShown(), a.retrievalRecall(), a.pageCited(), a.citationAccuracy(),
          a.answerContained(), a.answerAccuracy(), a.notFound(), a.failed()));
    }
    if (!r.notes().isEmpty()) {
      md.append("## Notes\n\n");
      for (String note : r.notes().subList(0, Math.min(20, r.notes().size()))) {
        md.append("- ").append(note.replace('\n', ' ')).append('\n');
      }
      if (r.notes().size() > 20) {
        md.append("- … ").append(r.notes().size() - 20).append(" more in report.json\n");
      }
    }
    return md.toString();
  }

  private static void counts(StringBuilder md, String name, TaskEvalReport.FieldCounts c) {
    md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.3f | %.3f |%n", name,
        c.truePositives(), c.falsePositives(), c.falseNegatives(), c.precision(), c.recall(), c.f1()));
  }

  /** The confusion matrix as a heat map: truth in rows, prediction in columns, counts written in. */
  static BufferedImage confusion(TaskEvalReport.Classification c) {
    List<String> labels = c.labels();
    int cell = 44;
    int left = 170;
    int top = 150;
    int size = labels.size();
    BufferedImage image = new BufferedImage(left + size * cell + 20, top + size * cell + 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString(String.format(Locale.ROOT, "Classification: accuracy %.3f (%d/%d); truth in rows",
          c.accuracy(), c.correct(), c.documents()), 10, 20);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      int max = 1;
      for (Map<String, Integer> row : c.confusion().values()) {
        for (int n : row.values()) {
          max = Math.max(max, n);
        }
      }
      for (int i = 0; i < size; i++) {
        g.setColor(Color.DARK_GRAY);
        g.drawString(labels.get(i), 10, top + i * cell + cell / 2 + 4);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.translate(left + i * cell + cell / 2 + 4, top - 6);
        rotated.rotate(-Math.PI / 3);
        rotated.drawString(labels.get(i), 0, 0);
        rotated.dispose();
        for (int j = 0; j < size; j++) {
          int n = c.confusion().getOrDefault(labels.get(i), Map.of()).getOrDefault(labels.get(j), 0);
          float v = (float) n / max;
          Color fill = i == j ? new Color(1 - 0.7f * v, 1 - 0.35f * v, 1 - 0.7f * v)
              : new Color(1 - 0.1f * v, 1 - 0.6f * v, 1 - 0.6f * v);
          g.setColor(n == 0 ? new Color(0xF6F7F9) : fill);
          g.fillRect(left + j * cell, top + i * cell, cell, cell);
          g.setColor(new Color(0xE3E7EE));
          g.setStroke(new BasicStroke(1));
          g.drawRect(left + j * cell, top + i * cell, cell, cell);
          if (n > 0) {
            g.setColor(Color.BLACK);
            String text = Integer.toString(n);
            g.drawString(text, left + j * cell + cell / 2 - g.getFontMetrics().stringWidth(text) / 2,
                top + i * cell + cell / 2 + 4);
          }
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }
}
