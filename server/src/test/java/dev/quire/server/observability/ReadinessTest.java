package dev.quire.server.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  @Test
  void notReadyUntilStartedAndEveryAwaitedConditionHolds() {
    Readiness readiness = new Readiness(false, false);
    AtomicBoolean sample = new AtomicBoolean(false);
    readiness.await("indexing the sample corpus", sample::get);
    assertThat(readiness.problems()).containsExactly("starting", "indexing the sample corpus");
    readiness.started();
    assertThat(readiness.problems()).containsExactly("indexing the sample corpus");
    sample.set(true);
    assertThat(readiness.problems()).isEmpty();
    sample.set(false); // once met, a condition is not asked again
    assertThat(readiness.problems()).isEmpty();
    readiness.stopping();
    assertThat(readiness.problems()).containsExactly("shutting down");
  }

  @Test
  void aConditionThatThrowsCountsAsNotMet() {
    Readiness readiness = new Readiness(true, false);
    readiness.started();
    readiness.await("waiting", () -> {
      throw new IllegalStateException("store closed");
    });
    assertThat(readiness.problems()).containsExactly("model not loaded", "waiting");
  }
}
