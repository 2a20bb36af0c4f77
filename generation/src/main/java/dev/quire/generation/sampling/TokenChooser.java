package dev.quire.generation.sampling;

/** Picks the next token from processed scores. */
@FunctionalInterface
public interface TokenChooser {

  int choose(float[] scores);

  /** The highest score; the lowest id on a tie, as torch's argmax. */
  static TokenChooser greedy() {
    return TokenChooser::argmax;
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
