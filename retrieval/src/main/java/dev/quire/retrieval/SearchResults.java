package dev.quire.retrieval;

import java.util.List;

/** Ranked pages and what it took to rank them. */
public record SearchResults(String query, List<SearchHit> hits, SearchStats stats) {
  public SearchResults {
    hits = List.copyOf(hits);
  }
}
