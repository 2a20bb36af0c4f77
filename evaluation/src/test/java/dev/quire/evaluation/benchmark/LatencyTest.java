package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatencyTest {

  @Test
  void percentilesAreNearestRankValues() {
    double[] millis = new double[20];
    for (int i = 0; i < 20; i++) {
      millis[i] = 20 - i; // 20, 19, ..., 1
    }
    Latency latency = Latency.of(millis);
    assertThat(latency.p50()).isEqualTo(10); // rank ceil(0.5 x 20) = 10
    assertThat(latency.p95()).isEqualTo(19); // rank ceil(0.95 x 20) = 19
    assertThat(latency.mean()).isEqualTo(10.5);
    assertThat(latency.count()).isEqualTo(20);
    assertThat(Latency.of(new double[] {7})).isEqualTo(new Latency(7, 7, 7, 1));
    assertThat(Latency.of(new double[0])).isEqualTo(Latency.NONE);
  }

  @Property
  void percentilesAreMeasuredValuesInOrder(@ForAll @Size(min = 1, max = 200) double[] values) {
    double[] millis = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      millis[i] = Math.abs(values[i] % 1e6);
    }
    Latency latency = Latency.of(millis);
    assertThat(millis).contains(latency.p50(), latency.p95());
    assertThat(latency.p50()).isLessThanOrEqualTo(latency.p95());
    long atOrBelow = Arrays.stream(millis).filter(v -> v <= latency.p50()).count();
    assertThat(atOrBelow * 2).isGreaterThanOrEqualTo(millis.length);
  }

  @Property
  void anyPercentileIsOneOfTheValues(@ForAll @DoubleRange(min = 0, max = 1) double ratio) {
    assertThat(Latency.percentile(new double[] {1, 2, 3}, ratio * 100)).isBetween(1.0, 3.0);
  }
}
