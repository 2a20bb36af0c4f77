package dev.quire.retrieval;

import java.util.Locale;

/** Where candidate pages come from before MaxSim rescoring. */
public enum FirstStage {
  /** Lucene BM25 over page text, top N. */
  BM25,
  /** Every page with an embedding: for image-only pages and small collections. */
  EXHAUSTIVE,
  /** Reciprocal-rank fusion of the BM25 ranking and the exhaustive MaxSim ranking. */
  FUSION,
  /** The pages whose text is nearest the query's in the text embedding space (HNSW). */
  DENSE,
  /** Reciprocal-rank fusion of the BM25 ranking and the dense text ranking. */
  HYBRID;

  /** Whether the stage ranks by page embeddings (it needs them, and a scorer). */
  public boolean needsPageVectors() {
    return this == EXHAUSTIVE || this == FUSION;
  }

  /** Whether the stage ranks by text vectors (it needs a text embedder and an index that has them). */
  public boolean needsTextVectors() {
    return this == DENSE || this == HYBRID;
  }

  public static FirstStage parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown first stage '" + value + "'; expected bm25, dense, hybrid, exhaustive or fusion", e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
