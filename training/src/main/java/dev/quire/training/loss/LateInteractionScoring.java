package dev.quire.training.loss;

import ai.djl.ndarray.NDArray;

/**
 * How relevant multi-vector queries are to multi-vector documents, as NDArray operations that DJL's
 * autograd differentiates. Embeddings are zero-padded: a row of zeros is padding, never a token.
 */
public interface LateInteractionScoring {

  /** Every query against every document: [Bq, Lq, d] x [Bd, Ld, d] -> [Bq, Bd]. */
  NDArray allPairs(NDArray queries, NDArray documents);

  /** Each query against its own candidates: [B, Lq, d] x [B, N, Ld, d] -> [B, N]. */
  NDArray ownCandidates(NDArray queries, NDArray candidates);
}
