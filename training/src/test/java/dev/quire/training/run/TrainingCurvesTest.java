package dev.quire.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {

  @TempDir Path run;

  @Test
  void drawsTheLossAndTheHeldOutFiguresOfTheLogAndSkipsARowCutShort() throws IOException {
    Files.writeString(run.resolve(TrainingRun.LOG_FILE), TrainingRun.LOG_HEADER + "\n"
        + "1,1.40,0.001,3.0,2.5,,\n"
        + "2,1.30,0.001,2.0,2.5,0.30,0.10\n"
        + "3,1.10,0.001,2.0,2.5,,\n"
        + "4,0.90,0.001,2.0,2.5,0.55,0.40\n"
        + "5,0.8");                                   // the row a kill -9 interrupted
    List<TrainingCurves.Row> rows = TrainingCurves.read(run.resolve(TrainingRun.LOG_FILE));
    assertThat(rows).extracting(TrainingCurves.Row::step).containsExactly(1L, 2L, 3L, 4L);
    assertThat(rows.get(3).heldOut()).isEqualTo(new TrainingRun.HeldOut(0.55, 0.40));
    assertThat(rows.get(2).heldOut()).isNull();

    Path png = TrainingCurves.write(run);
    assertThat(png).isEqualTo(run.resolve(TrainingCurves.FILE));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1280);            // two panels side by side
    assertThat(image.getHeight()).isEqualTo(420);
    // too short a run for a mean: the loss itself in the trend's colour, in the left panel only
    assertThat(pixels(image, 0, 640, 0x143CA0)).isGreaterThan(50);
    assertThat(pixels(image, 640, 1280, 0x143CA0)).isZero();
    try (var entries = Files.list(run)) {
      assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void aRunWithoutEvaluationsStillGetsItsLossCurve() throws IOException {
    Files.writeString(run.resolve(TrainingRun.LOG_FILE), TrainingRun.LOG_HEADER + "\n1,1.4,0.001,3.0,2.5,,\n");
    assertThat(ImageIO.read(TrainingCurves.write(run).toFile())).isNotNull();
  }

  private static int pixels(BufferedImage image, int fromX, int toX, int rgb) {
    int count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = fromX; x < toX; x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          count++;
        }
      }
    }
    return count;
  }

  @Test
  void theTrendIsTheTrailingMeanOverATenthOfTheRun() {
    List<TrainingCurves.Row> rows = new java.util.ArrayList<>();
    for (int step = 1; step <= 25; step++) {
      rows.add(new TrainingCurves.Row(step, step % 2 == 0 ? 1.0 : 3.0, 1e-3, null));   // 3, 1, 3, 1, ...
    }
    var chart = TrainingCurves.lossChart(rows);
    assertThat(chart.getSeriesCollection()).extracting(s -> s.getName()).containsExactly("loss", "mean of 2 steps");
    double[] mean = chart.getSeries("mean of 2 steps").getYData();
    assertThat(mean[0]).isEqualTo(3.0);                      // one step so far
    for (int i = 1; i < mean.length; i++) {
      assertThat(mean[i]).as("step " + (i + 1)).isEqualTo(2.0);
    }
  }
}
