package dev.quire.training.data;

import java.util.List;
import java.util.Objects;

/**
 * A query, the page that answers it and optional hard negatives (pages that look right and are
 * not), as the contrastive losses take them.
 *
 * @param id stable across runs, so a split and an order can be recorded and checked
 */
public record TrainingExample(String id, String query, PageRef positive, List<PageRef> negatives) {
  public TrainingExample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(positive, "positive");
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("example " + id + " has an empty query");
    }
    negatives = List.copyOf(negatives);
  }
}
