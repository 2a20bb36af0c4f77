package dev.quire.datasets;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Relevance judgments: for each query, judged documents with an integer relevance (graded; 0 or
 * below is not relevant, negative values mean judged-but-ignored, as in trec_eval). Immutable;
 * insertion order is kept.
 */
public final class Qrels {

  private final Map<String, Map<String, Integer>> judgments;

  private Qrels(Map<String, Map<String, Integer>> judgments) {
    this.judgments = judgments;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Query ids in insertion order. */
  public Set<String> queryIds() {
    return judgments.keySet();
  }

  public boolean contains(String queryId) {
    return judgments.containsKey(queryId);
  }

  /** Document id to relevance for one query; empty if the query has no judgments. */
  public Map<String, Integer> judgments(String queryId) {
    return judgments.getOrDefault(queryId, Map.of());
  }

  /** Number of queries. */
  public int size() {
    return judgments.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Qrels other && judgments.equals(other.judgments);
  }

  @Override
  public int hashCode() {
    return judgments.hashCode();
  }

  @Override
  public String toString() {
    return "Qrels" + judgments;
  }

  /** Collects judgments; rejects a document judged twice for a query, as trec_eval does. */
  public static final class Builder {
    private final Map<String, Map<String, Integer>> judgments = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a query without judgments (such a query is not evaluated, as in pytrec_eval). */
    public Builder addQuery(String queryId) {
      requireId(queryId, "query id");
      judgments.computeIfAbsent(queryId, q -> new LinkedHashMap<>());
      return this;
    }

    /**
     * Adds one judgment.
     *
     * @throws IllegalArgumentException if the document is already judged for this query
     */
    public Builder add(String queryId, String docId, int relevance) {
      requireId(queryId, "query id");
      requireId(docId, "document id");
      Integer previous =
          judgments.computeIfAbsent(queryId, q -> new LinkedHashMap<>()).putIfAbsent(docId, relevance);
      if (previous != null) {
        throw new IllegalArgumentException(
            "query " + queryId + ": document " + docId + " is judged twice (relevance " + previous
                + " and " + relevance + ")");
      }
      return this;
    }

    /** True if the document is already judged for the query. */
    public boolean contains(String queryId, String docId) {
      return judgments.getOrDefault(queryId, Map.of()).containsKey(docId);
    }

    public Qrels build() {
      Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
      judgments.forEach((q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
      return new Qrels(Collections.unmodifiableMap(copy));
    }
  }

  /** Refuses a null or empty query or document id (run files share the rule). */
  public static void requireId(String id, String what) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }
}
