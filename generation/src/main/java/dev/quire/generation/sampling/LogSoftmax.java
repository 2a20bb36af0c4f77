package dev.quire.generation.sampling;

/** Log-probabilities of logits, in double precision (what log-probability reports read). */
public final class LogSoftmax {

  private LogSoftmax() {}

  /** {@code log softmax(logits)[id]}. */
  public static double of(float[] logits, int id) {
    return logits[id] - logSumExp(logits);
  }

  public static double logSumExp(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}
