package dev.quire.generation.sampling;

/**
 * One step of turning a sequence's next-token logits into the scores a token is chosen from
 * (transformers' LogitsProcessor / LogitsWarper): temperature, top-k, penalties, masks. Processors
 * compose in a list, each changing {@code scores} in place; a score of negative infinity takes a
 * token out.
 */
@FunctionalInterface
public interface LogitsProcessor {

  /**
   * @param tokens the sequence so far: the prompt's ids, then the generated ones
   * @param promptLength how many of {@code tokens} are the prompt's
   * @param scores one score per vocabulary id, changed in place
   */
  void process(int[] tokens, int promptLength, float[] scores);
}
