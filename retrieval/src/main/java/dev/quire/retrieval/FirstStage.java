package dev.quire.retrieval;

import java.util.Locale;

/** Where candidate pages come from before MaxSim rescoring. */
public enum FirstStage {
  /** Lucene BM25 over page text, top N. */
  BM25,
  /** Every page with an embedding: for image-only pages and small collections. */
  EXHAUSTIVE,
  /** Reciprocal-rank fusion of the BM25 ranking and the exhaustive MaxSim ranking. */
  FUSION;

  public static FirstStage parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown first stage '" + value + "'; expected bm25, exhaustive or fusion", e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
