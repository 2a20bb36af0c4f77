package dev.quire.generation.sampling;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Picks the next token of sequence {@code sequence} (its index in the batch) from processed scores. */
@FunctionalInterface
public interface TokenChooser {

  int choose(int sequence, float[] scores);

  /** The highest score; the lowest id on a tie, as torch's argmax. */
  static TokenChooser greedy() {
    return (sequence, scores) -> argmax(scores);
  }

  /**
   * A draw from the softmax of the scores. Each sequence of a batch has its own generator seeded
   * from {@code seed} and its index, so a seed gives the same answers however the batch is made
   * up; a null seed draws one from the system.
   */
  static TokenChooser sampling(Long seed) {
    long base = seed != null ? seed : new SplittableRandom().nextLong();
    Map<Integer, SplittableRandom> generators = new HashMap<>();
    return (sequence, scores) -> {
      SplittableRandom random = generators.computeIfAbsent(sequence,
          s -> new SplittableRandom(base ^ (0x9E3779B97F4A7C15L * (s + 1))));
      double[] probs = Processors.softmax(scores);
      double u = random.nextDouble();
      double cumulative = 0;
      int last = -1;
      for (int i = 0; i < probs.length; i++) {
        if (probs[i] > 0) {
          cumulative += probs[i];
          last = i;
          if (u < cumulative) {
            return i;
          }
        }
      }
      return last; // rounding left u above the total: the last possible id
    };
  }

  static int argmax(float[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }
}
