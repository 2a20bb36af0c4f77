package dev.quire.retrieval;

import dev.quire.encoder.MultiVector;

/**
 * An input's embedding in both forms.
 *
 * @param multiVector one vector per token, for late interaction
 * @param pooled the L2-normalised mean of the token vectors, for single-vector search
 */
public record Embedding(MultiVector multiVector, float[] pooled) {}
