package dev.quire.generation.sampling;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The logits processors of sampling, each transformers' of the same name computed the same way
 * (tested against them on random logits), and the OpenAI penalties as vLLM applies them.
 */
public final class Processors {

  private Processors() {}

  /** {@code RepetitionPenaltyLogitsProcessor}: every id of the sequence, prompt included. */
  public static LogitsProcessor repetitionPenalty(double penalty) {
    if (!(penalty > 0)) {
      throw new IllegalArgumentException("repetition penalty must be positive, not " + penalty);
    }
    float p = (float) penalty;
    return (tokens, promptLength, scores) -> {
      BitSet seen = new BitSet(scores.length);
      for (int id : tokens) {
        if (id >= 0 && id < scores.length && !seen.get(id)) {
          seen.set(id);
          scores[id] = scores[id] < 0 ? scores[id] * p : scores[id] / p;
        }
      }
    };
  }

  /**
   * OpenAI's presence and frequency penalties over the generated ids only (vLLM's reading):
   * {@code score -= presence} once an id appeared, {@code - frequency x count}.
   */
  public static LogitsProcessor presenceAndFrequency(double presence, double frequency) {
    for (double v : new double[] {presence, frequency}) {
      if (v < -2 || v > 2) {
        throw new IllegalArgumentException("presence and frequency penalties lie in [-2, 2], not " + v);
      }
    }
    return (tokens, promptLength, scores) -> {
      int[] counts = new int[scores.length];
      for (int i = promptLength; i < tokens.length; i++) {
        if (tokens[i] >= 0 && tokens[i] < scores.length) {
          counts[tokens[i]]++;
        }
      }
      for (int id = 0; id < scores.length; id++) {
        if (counts[id] > 0) {
          scores[id] -= (float) (presence + frequency * counts[id]);
        }
      }
    };
  }

  /** {@code TemperatureLogitsWarper}: scores divided by the temperature. */
  public static LogitsProcessor temperature(double temperature) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive for sampling, not "
          + temperature + " (0 is greedy decoding)");
    }
    float t = (float) temperature;
    return (tokens, promptLength, scores) -> {
      for (int i = 0; i < scores.length; i++) {
        scores[i] = scores[i] / t;
      }
    };
  }

  /** {@code TopKLogitsWarper}: ids scoring below the k-th highest score are removed. */
  public static LogitsProcessor topK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("top-k must be at least 1, not " + k);
    }
    return (tokens, promptLength, scores) -> {
      if (k >= scores.length) {
        return;
      }
      float[] sorted = scores.clone();
      Arrays.sort(sorted);
      float kth = sorted[sorted.length - k];
      for (int i = 0; i < scores.length; i++) {
        if (scores[i] < kth) {
          scores[i] = Float.NEGATIVE_INFINITY;
        }
      }
    };
  }

  /**
   * {@code TopPLogitsWarper}: over the ids in ascending score order, those whose cumulative
   * probability is at most 1 - p are removed; the most likely id always stays.
   */
  public static LogitsProcessor topP(double p) {
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("top-p lies in (0, 1], not " + p);
    }
    return (tokens, promptLength, scores) -> {
      if (p >= 1) {
        return;
      }
      int[] order = ascending(scores);
      double[] probs = softmax(scores);
      double cumulative = 0;
      for (int r = 0; r < order.length - 1; r++) { // the last (most likely) always stays
        cumulative += probs[order[r]];
        if (cumulative <= 1 - p) {
          scores[order[r]] = Float.NEGATIVE_INFINITY;
        } else {
          break;
        }
      }
    };
  }

  /**
   * {@code MinPLogitsWarper}: ids whose probability is below {@code minP} times the most likely
   * id's are removed.
   */
  public static LogitsProcessor minP(double minP) {
    if (!(minP >= 0 && minP <= 1)) {
      throw new IllegalArgumentException("min-p lies in [0, 1], not " + minP);
    }
    return (tokens, promptLength, scores) -> {
      if (minP == 0) {
        return;
      }
      double[] probs = softmax(scores);
      double top = 0;
      int best = 0;
      for (int i = 0; i < probs.length; i++) {
        if (probs[i] > top) {
          top = probs[i];
          best = i;
        }
      }
      double threshold = minP * top;
      for (int i = 0; i < probs.length; i++) {
        if (probs[i] < threshold && i != best) {
          scores[i] = Float.NEGATIVE_INFINITY;
        }
      }
    };
  }

  /** Softmax in double precision; negative-infinity scores get probability 0. */
  public static double[] softmax(float[] scores) {
    double max = Double.NEGATIVE_INFINITY;
    for (float s : scores) {
      max = Math.max(max, s);
    }
    double[] probs = new double[scores.length];
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      probs[i] = scores[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(scores[i] - max);
      sum += probs[i];
    }
    for (int i = 0; i < probs.length; i++) {
      probs[i] /= sum;
    }
    return probs;
  }

  /**
   * Ids in ascending score order (ties by id), sorted as primitive longs: the score's bits made
   * order-preserving in the high half, the id in the low half (boxed comparators cost 35 ms a
   * step on a 151k vocabulary).
   */
  static int[] ascending(float[] scores) {
    long[] keys = new long[scores.length];
    for (int i = 0; i < scores.length; i++) {
      int bits = Float.floatToIntBits(scores[i]);
      int sortable = bits >= 0 ? bits : bits ^ 0x7fffffff; // negative floats reverse their order
      keys[i] = ((long) sortable << 32) | (i & 0xffffffffL);
    }
    Arrays.sort(keys);
    int[] order = new int[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }
}
