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
