package dev.quire.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ExampleOrderTest {

  /** Every epoch visits each example once; a fresh order (a restart) continues at any step alike. */
  @Property(tries = 100)
  void eachEpochIsAPermutationAndARestartSeesTheSameOrder(
      @ForAll @IntRange(min = 1, max = 40) int size, @ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int resumeAt) {
    ExampleOrder order = new ExampleOrder(size, seed);
    for (int epoch = 0; epoch < 3; epoch++) {
      List<Integer> visited = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        visited.add(order.at((long) epoch * size + i));
      }
      assertThat(visited).containsExactlyInAnyOrderElementsOf(IntStream.range(0, size).boxed().toList());
    }
    ExampleOrder restarted = new ExampleOrder(size, seed);
    for (long p = resumeAt; p < resumeAt + 2L * size; p++) {
      assertThat(restarted.at(p)).isEqualTo(order.at(p));
    }
  }

  @Property(tries = 20)
  void epochsAndSeedsShuffleDifferently(@ForAll long seed) {
    ExampleOrder a = new ExampleOrder(50, seed);
    ExampleOrder b = new ExampleOrder(50, seed + 1);
    List<Integer> first = IntStream.range(0, 50).mapToObj(a::at).toList();
    List<Integer> second = IntStream.range(50, 100).mapToObj(a::at).toList();
    List<Integer> other = IntStream.range(0, 50).mapToObj(b::at).toList();
    assertThat(second).isNotEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }
}
