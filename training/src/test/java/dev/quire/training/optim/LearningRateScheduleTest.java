package dev.quire.training.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The schedules against transformers' own, stepped through torch's LambdaLR past their last step
 * (optim-goldens.json's "schedules", tools/reference/training_goldens.py).
 */
class LearningRateScheduleTest {

  @Test
  void ratesEqualTransformersAtEveryStep() throws IOException {
    JsonNode goldens = new ObjectMapper().readTree(
        LearningRateScheduleTest.class.getResource("/dev/quire/training/optim/optim-goldens.json"));
    int checked = 0;
    for (JsonNode golden : goldens.get("schedules")) {
      double peak = golden.get("lr").asDouble();
      long warmup = golden.get("warmup_steps").asLong();
      long total = golden.get("training_steps").asLong();
      LearningRateSchedule schedule = golden.get("schedule").asText().equals("linear")
          ? new LearningRateSchedule.LinearWithWarmup(peak, warmup, total)
          : new LearningRateSchedule.CosineWithWarmup(peak, warmup, total, golden.get("cycles").asDouble());
      JsonNode rates = golden.get("rates");
      for (int step = 0; step < rates.size(); step++) {
        assertThat(schedule.rate(step)).as(schedule + " at step " + step)
            .isCloseTo(rates.get(step).asDouble(), Offset.offset(1e-15));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  @Test
  void warmUpStartsAtZeroAndPeaksWhereItEnds() {
    var linear = new LearningRateSchedule.LinearWithWarmup(0.5, 4, 8);
    assertThat(linear.rate(0)).isZero();
    assertThat(linear.rate(2)).isEqualTo(0.25);
    assertThat(linear.rate(4)).isEqualTo(0.5);
    assertThat(linear.rate(8)).isZero();
    assertThat(linear.rate(20)).isZero();
    var cosine = new LearningRateSchedule.CosineWithWarmup(0.5, 0, 8);
    assertThat(cosine.rate(0)).isEqualTo(0.5);
    assertThat(cosine.rate(4)).isCloseTo(0.25, Offset.offset(1e-15));
    assertThat(new LearningRateSchedule.Constant(0.3).rate(99)).isEqualTo(0.3);
    assertThatThrownBy(() -> new LearningRateSchedule.LinearWithWarmup(1, -1, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
