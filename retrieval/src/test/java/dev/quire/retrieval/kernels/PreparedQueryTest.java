package dev.quire.retrieval.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.index.Pages;
import org.junit.jupiter.api.Test;

class PreparedQueryTest {

  @Test
  void keepsItsShape() {
    PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(1, 5, 24), 5, 24);
    assertThat(q.tokens()).isEqualTo(5);
    assertThat(q.dim()).isEqualTo(24);
  }

  @Test
  void refusesValuesThatAreNotFinite() {
    assertThatThrownBy(() -> PreparedQuery.prepare(new float[] {1, 2, 3, 4, 5, 6, 7, Float.POSITIVE_INFINITY}, 1, 8))
        .hasMessage("value Infinity at token 0, dimension 7 is not finite or exceeds 3.4028235E38");
  }
}
