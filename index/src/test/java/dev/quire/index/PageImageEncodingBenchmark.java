package dev.quire.index;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * PNG encoding of a rendered A4 page (150 dpi) at several deflate levels against the JDK default
 * (level 4) measured in the same run; {@link #main} prints time and size ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djava.awt.headless=true")
public class PageImageEncodingBenchmark {
  static final int BASELINE_LEVEL = 4;

  @Param({"4", "1", "2", "6", "9"})
  int deflateLevel;

  private BufferedImage page;

  @Setup
  public void render() {
    page = renderedPage();
  }

  @Benchmark
  public byte[] encodePng() throws IOException {
    return PageImages.encodePng(page, deflateLevel);
  }

  /** A page as a PDF renderer draws it: anti-aliased text, a table, a shaded figure. */
  static BufferedImage renderedPage() {
    int width = 1240;
    int height = 1754;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SERIF, Font.BOLD, 36));
    g.drawString("Annual report on harbour traffic", 120, 160);
    g.setFont(new Font(Font.SERIF, Font.PLAIN, 20));
    SplittableRandom random = new SplittableRandom(7);
    String[] words = {
      "the", "harbour", "traffic", "increased", "by", "per", "cent", "in", "tonnage", "of",
      "containers", "while", "bulk", "cargo", "declined", "across", "all", "terminals", "and"
    };
    for (int line = 0; line < 30; line++) {
      StringBuilder text = new StringBuilder();
      while (text.length() < 90) {
        text.append(words[random.nextInt(words.length)]).append(' ');
      }
      g.drawString(text.toString(), 120, 240 + line * 30);
    }
    g.setColor(new Color(40, 40, 40));
    for (int row = 0; row <= 8; row++) {
      g.drawLine(120, 1160 + row * 32, 620, 1160 + row * 32);
    }
    for (int row = 0; row < 8; row++) {
      g.drawString(String.format(Locale.ROOT, "Terminal %d    %,d t", row + 1, 1000 + row * 137), 130, 1186 + row * 32);
    }
    g.setPaint(new GradientPaint(680, 1160, new Color(30, 90, 160), 1120, 1420, new Color(230, 180, 60)));
    g.fillOval(680, 1160, 440, 260);
    g.dispose();
    return image;
  }

  public static void main(String[] args) throws Exception {
    Collection<RunResult> results =
        new Runner(new OptionsBuilder().include(PageImageEncodingBenchmark.class.getSimpleName()).build())
            .run();
    BufferedImage page = renderedPage();
    double baselineMillis = 0;
    int baselineBytes = PageImages.encodePng(page, BASELINE_LEVEL).length;
    for (RunResult result : results) {
      if (result.getParams().getParam("deflateLevel").equals(Integer.toString(BASELINE_LEVEL))) {
        baselineMillis = result.getPrimaryResult().getScore();
      }
    }
    System.out.printf(Locale.ROOT, "%-6s %10s %10s %10s %10s%n", "level", "ms/page", "vs level 4", "bytes", "vs level 4");
    for (RunResult result : results) {
      int level = Integer.parseInt(result.getParams().getParam("deflateLevel"));
      double millis = result.getPrimaryResult().getScore();
      int bytes = PageImages.encodePng(page, level).length;
      System.out.printf(
          Locale.ROOT,
          "%-6d %10.1f %10.2f %10d %10.2f%n",
          level,
          millis,
          millis / baselineMillis,
          bytes,
          (double) bytes / baselineBytes);
    }
  }
}
