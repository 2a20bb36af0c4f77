package dev.quire.retrieval;

import dev.quire.index.PageFilter;
import java.util.Objects;
import java.util.Set;

/**
 * A query.
 *
 * @param filter the pages results may come from (documents, metadata), resolved by the index so
 *     only pages that pass are ranked and scored; {@link PageFilter#NONE} for all
 * @param snippets whether hits carry highlighted snippets (evaluation runs need none, and
 *     highlighting is the costliest part of a BM25 search)
 */
public record SearchRequest(
    String query, int k, PageFilter filter, SearchConfig config, boolean snippets) {

  public SearchRequest {
    if (query == null) {
      throw new IllegalArgumentException("query must not be null");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    Objects.requireNonNull(filter, "filter");
  }

  /**
   * A request restricted to some documents.
   *
   * @param documentIds restrict results to these documents; empty means all
   */
  public SearchRequest(
      String query, int k, Set<String> documentIds, SearchConfig config, boolean snippets) {
    this(query, k, PageFilter.documents(documentIds), config, snippets);
  }

  /** A request whose hits carry snippets; {@code documentIds} empty means all documents. */
  public SearchRequest(String query, int k, Set<String> documentIds, SearchConfig config) {
    this(query, k, documentIds, config, true);
  }

  /** A request whose hits carry snippets. */
  public SearchRequest(String query, int k, PageFilter filter, SearchConfig config) {
    this(query, k, filter, config, true);
  }

  public static SearchRequest of(String query, int k) {
    return new SearchRequest(query, k, PageFilter.NONE, SearchConfig.defaults());
  }

  public SearchRequest withoutSnippets() {
    return new SearchRequest(query, k, filter, config, false);
  }
}
