package dev.quire.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AppendBelowTest {

  @Test
  void aHeldBackBlockScoredHigherIsShiftedJustBelowTheRanking() {
    List<Ranked> ranking = new ArrayList<>(List.of(new Ranked(1, 0.9f), new Ranked(2, 0.1f)));
    Searcher.appendBelow(ranking, List.of(new Ranked(3, 5f), new Ranked(4, 5f), new Ranked(5, 4f)));
    assertThat(ranking).extracting(Ranked::pageId).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(ranking.get(2).score()).isEqualTo(Math.nextDown(0.1f));
    assertThat(ranking.get(3).score()).isEqualTo(ranking.get(2).score());
    assertThat(ranking.get(4).score()).isCloseTo(Math.nextDown(0.1f) - 1f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void aBlockAlreadyBelowIsLeftAsItIs() {
    List<Ranked> ranking = new ArrayList<>(List.of(new Ranked(1, 10f)));
    Searcher.appendBelow(ranking, List.of(new Ranked(2, 3f), new Ranked(3, 1f)));
    assertThat(ranking).containsExactly(new Ranked(1, 10f), new Ranked(2, 3f), new Ranked(3, 1f));
  }

  @Property
  void scoresSortTheRankingIntoItsOwnOrder(
      @ForAll @Size(min = 1, max = 30) List<@FloatRange(min = -1e4f, max = 1e4f) Float> head,
      @ForAll @Size(max = 30) List<@FloatRange(min = -1e4f, max = 1e4f) Float> tail) {
    List<Ranked> ranking = new ArrayList<>();
    List<Float> sortedHead = head.stream().sorted((a, b) -> Float.compare(b, a)).toList();
    for (int i = 0; i < sortedHead.size(); i++) {
      ranking.add(new Ranked(i, sortedHead.get(i)));
    }
    List<Float> sortedTail = tail.stream().sorted((a, b) -> Float.compare(b, a)).toList();
    List<Ranked> block = new ArrayList<>();
    for (int i = 0; i < sortedTail.size(); i++) {
      block.add(new Ranked(1000 + i, sortedTail.get(i)));
    }
    Searcher.appendBelow(ranking, block);
    assertThat(ranking).hasSize(head.size() + tail.size());
    for (int i = 1; i < ranking.size(); i++) {
      float before = ranking.get(i - 1).score();
      float now = ranking.get(i).score();
      assertThat(now).isLessThanOrEqualTo(before);
      boolean crossesIntoBlock = i == sortedHead.size();
      if (crossesIntoBlock) {
        assertThat(now).isLessThan(before);
      }
      if (i > sortedHead.size()) {
        int j = i - sortedHead.size();
        boolean tiedBefore = sortedTail.get(j).floatValue() == sortedTail.get(j - 1).floatValue();
        assertThat(now == before).isEqualTo(tiedBefore);
      }
    }
  }
}
