package dev.quire.training.loss;

import ai.djl.ndarray.NDArray;
import java.util.Objects;
import java.util.Optional;

/**
 * One batch of embeddings for a loss: query i's positive is document i, the other documents are
 * its in-batch negatives, and {@code negatives} (if present) are its own hard negatives.
 *
 * @param queries [B, Lq, d], zero rows as padding
 * @param positives [B, Ld, d]
 * @param negatives [B, N, Ln, d]
 */
public record ContrastiveBatch(NDArray queries, NDArray positives, Optional<NDArray> negatives) {

  public ContrastiveBatch {
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(positives, "positives");
    Objects.requireNonNull(negatives, "negatives");
    if (queries.getShape().dimension() != 3 || positives.getShape().dimension() != 3) {
      throw new IllegalArgumentException("queries and positives are [batch, tokens, dim], not "
          + queries.getShape() + " and " + positives.getShape());
    }
    if (queries.getShape().get(0) != positives.getShape().get(0)) {
      throw new IllegalArgumentException(queries.getShape().get(0) + " queries but "
          + positives.getShape().get(0) + " positives");
    }
    negatives.ifPresent(n -> {
      if (n.getShape().dimension() != 4 || n.getShape().get(0) != queries.getShape().get(0)) {
        throw new IllegalArgumentException("negatives are [batch, count, tokens, dim] for "
            + queries.getShape().get(0) + " queries, not " + n.getShape());
      }
    });
  }

  public static ContrastiveBatch inBatch(NDArray queries, NDArray positives) {
    return new ContrastiveBatch(queries, positives, Optional.empty());
  }

  public static ContrastiveBatch withNegatives(NDArray queries, NDArray positives,
      NDArray negatives) {
    return new ContrastiveBatch(queries, positives, Optional.of(negatives));
  }

  public long size() {
    return queries.getShape().get(0);
  }
}
