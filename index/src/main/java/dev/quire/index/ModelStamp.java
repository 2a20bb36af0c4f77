package dev.quire.index;

import java.util.Objects;

/**
 * The embedding model whose vectors an index holds: vectors of two models cannot be compared, so
 * an index accepts one.
 */
public record ModelStamp(String name, String checkpointHash, int dimension) {
  public ModelStamp {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(checkpointHash, "checkpointHash");
    if (dimension <= 0) {
      throw new IllegalArgumentException("model dimension must be positive, got " + dimension);
    }
  }

  @Override
  public String toString() {
    return name + " (checkpoint " + checkpointHash + ", dimension " + dimension + ")";
  }
}
