package dev.quire.encoder;

import java.util.Arrays;

/**
 * One multi-vector embedding: {@code tokens} vectors of {@code dimension} floats, row-major
 * (token after token). Late-interaction models emit one such value per query and per page.
 */
public record MultiVector(int tokens, int dimension, float[] values) {

  public MultiVector {
    if (tokens < 1) {
      throw new IllegalArgumentException("a multi-vector needs at least one token, got " + tokens);
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    if (values.length != (long) tokens * dimension) {
      throw new IllegalArgumentException(
          "values hold " + values.length + " floats, expected tokens x dimension = "
              + tokens + " x " + dimension);
    }
  }

  /** A copy of the vector of token {@code t}. */
  public float[] token(int t) {
    return Arrays.copyOfRange(values, t * dimension, (t + 1) * dimension);
  }

  /**
   * One vector for the whole input: the mean of the token vectors, L2-normalised (a zero mean
   * stays zero). Single-vector indexes and dense first stages use it.
   */
  public float[] meanPooled() {
    float[] mean = new float[dimension];
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dimension; d++) {
        mean[d] += values[t * dimension + d];
      }
    }
    double norm = 0;
    for (float v : mean) {
      norm += (double) v * v;
    }
    if (norm > 0) {
      float scale = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < dimension; d++) {
        mean[d] *= scale;
      }
    }
    return mean;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultiVector m
        && m.tokens == tokens
        && m.dimension == dimension
        && Arrays.equals(m.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * tokens + dimension) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "MultiVector[" + tokens + " x " + dimension + "]";
  }
}
