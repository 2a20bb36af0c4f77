package dev.quire.evaluation;

import dev.quire.datasets.Qrels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retrieval results: for each query, the documents retrieved with their scores. Immutable. Queries
 * and documents keep the order they were added in; ranks are not stored because trec_eval ignores
 * them and ranks by score ({@link #ranking(String)}).
 */
public final class Run {

  private final Map<String, Map<String, Double>> scores;

  private Run(Map<String, Map<String, Double>> scores) {
    this.scores = scores;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Query ids in the order they were added. */
  public Set<String> queryIds() {
    return scores.keySet();
  }

  public boolean contains(String queryId) {
    return scores.containsKey(queryId);
  }

  /** Document id to score for one query, in insertion order; empty if the query is absent. */
  public Map<String, Double> scores(String queryId) {
    return scores.getOrDefault(queryId, Map.of());
  }

  /** One query's results in trec_eval's rank order ({@link ScoredDoc#TREC_ORDER}). */
  public List<ScoredDoc> ranking(String queryId) {
    Map<String, Double> docs = scores(queryId);
    List<ScoredDoc> ranked = new ArrayList<>(docs.size());
    docs.forEach((doc, score) -> ranked.add(new ScoredDoc(doc, score)));
    ranked.sort(ScoredDoc.TREC_ORDER);
    return ranked;
  }

  /** Number of queries. */
  public int size() {
    return scores.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Run other && scores.equals(other.scores);
  }

  @Override
  public int hashCode() {
    return scores.hashCode();
  }

  @Override
  public String toString() {
    return "Run" + scores;
  }

  /** Collects results; rejects a document listed twice for a query, as trec_eval does. */
  public static final class Builder {
    private final Map<String, Map<String, Double>> scores = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a query with no results yet (a query that retrieved nothing). */
    public Builder addQuery(String queryId) {
      Qrels.requireId(queryId, "query id");
      scores.computeIfAbsent(queryId, q -> new LinkedHashMap<>());
      return this;
    }

    /**
     * Adds one result.
     *
     * @throws IllegalArgumentException if the document is already listed for this query, or the
     *     score is NaN
     */
    public Builder add(String queryId, String docId, double score) {
      Qrels.requireId(queryId, "query id");
      Qrels.requireId(docId, "document id");
      if (Double.isNaN(score)) {
        throw new IllegalArgumentException(
            "query " + queryId + ", document " + docId + ": score is NaN");
      }
      Double previous = scores.computeIfAbsent(queryId, q -> new LinkedHashMap<>()).putIfAbsent(docId, score);
      if (previous != null) {
        throw new IllegalArgumentException(
            "query " + queryId + ": document " + docId + " is listed twice (scores " + previous
                + " and " + score + "); trec_eval refuses runs with duplicate documents");
      }
      return this;
    }

    /** True if the document is already listed for the query. */
    public boolean contains(String queryId, String docId) {
      return scores.getOrDefault(queryId, Map.of()).containsKey(docId);
    }

    public Run build() {
      Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
      scores.forEach((q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
      return new Run(Collections.unmodifiableMap(copy));
    }
  }
}
