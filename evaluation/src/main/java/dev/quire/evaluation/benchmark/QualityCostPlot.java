package dev.quire.evaluation.benchmark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG of a comparison: quality (the primary metric) against index bytes per page, and against
 * search latency, one point per variant.
 */
final class QualityCostPlot {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 480;

  /** One variant's point. */
  record Point(String variant, double quality, double bytesPerPage, double latencyMillis) {}

  /** One variant's recall at each cutoff, for the third panel. */
  record RecallCurve(String variant, double[] cutoffs, double[] recall) {}

  static void write(Path file, String title, String quality, List<Point> points) throws IOException {
    write(file, title, quality, points, List.of());
  }

  private QualityCostPlot() {}

  /**
   * Quality against index size and against latency, one point per variant; with curves, a third
   * panel of recall against the cutoff, which says something even when only one variant ran (BM25
   * without a model): how deep the right pages sit.
   */
  static void write(Path file, String title, String quality, List<Point> points, List<RecallCurve> curves)
      throws IOException {
    XYChart size = chart(title + ": " + quality + " vs index size", "index bytes per page", quality);
    XYChart latency = chart(title + ": " + quality + " vs latency", "search latency p50 (ms)", quality);
    for (Point point : points) {
      add(size, point.variant(), point.bytesPerPage(), point.quality());
      add(latency, point.variant(), point.latencyMillis(), point.quality());
    }
    double[] scores = points.stream().mapToDouble(Point::quality).toArray();
    frame(size, points.stream().mapToDouble(Point::bytesPerPage).toArray(), scores);
    frame(latency, points.stream().mapToDouble(Point::latencyMillis).toArray(), scores);
    List<XYChart> charts = new java.util.ArrayList<>(List.of(size, latency));
    if (!curves.isEmpty()) {
      XYChart recall = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title + ": Recall@k")
          .xAxisTitle("k (pages looked at)").yAxisTitle("Recall@k").build();
      recall.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
      recall.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
      recall.getStyler().setXAxisLogarithmic(true);
      recall.getStyler().setYAxisMin(0.0);
      recall.getStyler().setYAxisMax(1.0);
      recall.getStyler().setYAxisDecimalPattern("0.00");
      recall.getStyler().setXAxisDecimalPattern("#,##0");
      for (RecallCurve curve : curves) {
        recall.addSeries(curve.variant(), curve.cutoffs(), curve.recall()).setMarker(SeriesMarkers.CIRCLE);
      }
      charts.add(recall);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(charts, 1, charts.size(), out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setMarkerSize(10);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setYAxisDecimalPattern("0.000");
    chart.getStyler().setXAxisDecimalPattern("#,##0.###");
    return chart;
  }

  private static void add(XYChart chart, String name, double x, double y) {
    XYSeries series = chart.addSeries(name, new double[] {x}, new double[] {y});
    series.setMarker(SeriesMarkers.CIRCLE);
  }

  /**
   * Axis ranges with a margin, so no point sits on the frame where XChart clips it; the x axis is
   * logarithmic when the values span more than a decade.
   */
  private static void frame(XYChart chart, double[] xs, double[] ys) {
    double minX = Arrays.stream(xs).min().orElse(0);
    double maxX = Arrays.stream(xs).max().orElse(1);
    if (minX > 0 && maxX / minX > 10) {
      chart.getStyler().setXAxisLogarithmic(true);
      chart.getStyler().setXAxisMin(minX / 1.5);
      chart.getStyler().setXAxisMax(maxX * 1.5);
    } else {
      double pad = Math.max((maxX - minX) * 0.1, Math.max(Math.abs(maxX) * 0.05, 1e-3));
      chart.getStyler().setXAxisMin(minX - pad);
      chart.getStyler().setXAxisMax(maxX + pad);
    }
    double minY = Arrays.stream(ys).min().orElse(0);
    double maxY = Arrays.stream(ys).max().orElse(1);
    double pad = Math.max((maxY - minY) * 0.1, 0.01);
    chart.getStyler().setYAxisMin(minY - pad);
    chart.getStyler().setYAxisMax(maxY + pad);
  }
}
