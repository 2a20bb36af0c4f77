package dev.quire.training.run;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's curves as a picture beside its checkpoints ({@code RUN/curves.png}): the training loss
 * with its moving average, and the held-out nDCG@5 and Recall@1 at each evaluation. Drawn from
 * {@code log.csv}, so a resumed run's picture covers the steps of every sitting.
 */
public final class TrainingCurves {

  public static final String FILE = "curves.png";
  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;

  /** One row of the log: {@code heldOut} null on steps without an evaluation. */
  public record Row(long step, double loss, double learningRate, TrainingRun.HeldOut heldOut) {}

  private TrainingCurves() {}

  /** The log's rows; a line cut short by a kill (the last one) is left out. */
  public static List<Row> read(Path log) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("step")) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length < 7) {
        continue;
      }
      try {
        TrainingRun.HeldOut heldOut = cells[5].isEmpty() ? null
            : new TrainingRun.HeldOut(Double.parseDouble(cells[5]), Double.parseDouble(cells[6]));
        rows.add(new Row(Long.parseLong(cells[0]), Double.parseDouble(cells[1]), Double.parseDouble(cells[2]), heldOut));
      } catch (NumberFormatException partial) {
        // a row the process was writing when it died; the next sitting rewrites it
      }
    }
    return rows;
  }

  /** A horizontal line on the held-out chart: a baseline such as BM25's figure. */
  public record Reference(String name, double value) {}

  /** Draws the run's log into {@code run/curves.png} (written aside, then renamed into place). */
  public static Path write(Path run) throws IOException {
    List<Row> rows = read(run.resolve(TrainingRun.LOG_FILE));
    return save(run.resolve(FILE), lossChart(rows), heldOutChart(rows, null, List.of()));
  }

  /** {@code charts} side by side as a PNG at {@code file}, written aside and renamed into place. */
  public static Path save(Path file, XYChart... charts) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      BitmapEncoder.saveBitmap(List.of(charts), 1, charts.length, out, BitmapEncoder.BitmapFormat.PNG);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  /** The loss per step and its trailing mean. */
  public static XYChart lossChart(List<Row> rows) {
    XYChart chart = chart("Training loss", "loss");
    if (rows.isEmpty()) {
      return chart;
    }
    double[] steps = rows.stream().mapToDouble(Row::step).toArray();
    double[] losses = rows.stream().mapToDouble(Row::loss).toArray();
    XYSeries raw = chart.addSeries("loss", steps, losses);
    raw.setMarker(SeriesMarkers.NONE);
    raw.setLineColor(new Color(150, 170, 210));
    // a trailing mean over a tenth of the run (at least 1, at most 50 steps) shows the trend through
    // the batch-to-batch noise of a contrastive loss
    int window = Math.max(1, Math.min(50, rows.size() / 10));
    if (window == 1) {
      raw.setLineColor(new Color(20, 60, 160)); // too short a run for a mean to say more
      return chart;
    }
    double[] mean = new double[losses.length];
    double sum = 0;
    for (int i = 0; i < losses.length; i++) {
      sum += losses[i];
      if (i >= window) {
        sum -= losses[i - window];
      }
      mean[i] = sum / Math.min(i + 1, window);
    }
    XYSeries trend = chart.addSeries("mean of " + window + " steps", steps, mean);
    trend.setMarker(SeriesMarkers.NONE);
    trend.setLineColor(new Color(20, 60, 160));
    return chart;
  }

  /**
   * nDCG@5 and Recall@1 at each evaluation; {@code start} (may be null) is drawn at step 0 (the
   * untrained model), each reference as a grey horizontal line.
   */
  public static XYChart heldOutChart(List<Row> rows, TrainingRun.HeldOut start, List<Reference> references) {
    XYChart chart = chart(start == null ? "Held-out retrieval" : "Held-out retrieval (step 0: untrained)", "score");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    List<Row> evaluated = new ArrayList<>();
    if (start != null) {
      evaluated.add(new Row(0, Double.NaN, 0, start));
    }
    rows.stream().filter(r -> r.heldOut() != null).forEach(evaluated::add);
    if (evaluated.isEmpty()) {
      return chart;
    }
    double[] steps = evaluated.stream().mapToDouble(Row::step).toArray();
    chart.addSeries("nDCG@5", steps, evaluated.stream().mapToDouble(r -> r.heldOut().ndcgAt5()).toArray())
        .setMarker(SeriesMarkers.CIRCLE);
    chart.addSeries("Recall@1", steps, evaluated.stream().mapToDouble(r -> r.heldOut().recallAt1()).toArray())
        .setMarker(SeriesMarkers.DIAMOND);
    double end = Math.max(1, steps[steps.length - 1]);
    Color[] greys = {Color.GRAY, Color.LIGHT_GRAY, Color.DARK_GRAY};
    for (int i = 0; i < references.size(); i++) {
      Reference reference = references.get(i);
      XYSeries line = chart.addSeries(reference.name(), new double[] {0, end}, new double[] {reference.value(), reference.value()});
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(greys[i % greys.length]);
    }
    return chart;
  }

  private static XYChart chart(String title, String y) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step").yAxisTitle(y).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setYAxisDecimalPattern("0.000");
    chart.getStyler().setXAxisDecimalPattern("#,##0");
    return chart;
  }
}
