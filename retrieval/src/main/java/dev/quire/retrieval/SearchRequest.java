package dev.quire.retrieval;

import java.util.Set;

/**
 * A query.
 *
 * @param documentIds restrict results to these documents; empty means all
 * @param snippets whether hits carry highlighted snippets (evaluation runs need none, and
 *     highlighting is the costliest part of a BM25 search)
 */
public record SearchRequest(
    String query, int k, Set<String> documentIds, SearchConfig config, boolean snippets) {

  public SearchRequest {
    if (query == null) {
      throw new IllegalArgumentException("query must not be null");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    documentIds = Set.copyOf(documentIds);
  }

  /** A request whose hits carry snippets. */
  public SearchRequest(String query, int k, Set<String> documentIds, SearchConfig config) {
    this(query, k, documentIds, config, true);
  }

  public static SearchRequest of(String query, int k) {
    return new SearchRequest(query, k, Set.of(), SearchConfig.defaults());
  }

  public SearchRequest withoutSnippets() {
    return new SearchRequest(query, k, documentIds, config, false);
  }
}
