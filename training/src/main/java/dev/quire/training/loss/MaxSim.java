package dev.quire.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.qwen3vl.LibtorchScalar;

/**
 * ColBERT's MaxSim as colpali-engine's losses compute it: each query token's best match among a
 * document's tokens (padding rows included: they score 0), summed over the query's tokens, and
 * optionally divided by the query's length counted as its non-zero rows (a row whose first
 * component is 0 counts as padding, as in colpali-engine).
 *
 * @param match how a query token's scores over the document's tokens become one
 * @param normalizeByQueryLength divide by the number of real query rows (colpali's normalize_scores)
 */
public record MaxSim(TokenMatch match, boolean normalizeByQueryLength) implements LateInteractionScoring {

  /** colpali-engine's default: hard max, normalised. */
  public static MaxSim colpaliDefault() {
    return new MaxSim(new TokenMatch.HardMax(), true);
  }

  public MaxSim {
    java.util.Objects.requireNonNull(match, "match");
  }

  @Override
  public NDArray allPairs(NDArray queries, NDArray documents) {
    Shape q = queries.getShape();
    Shape d = documents.getShape();
    checkSameDimension(q.get(2), d.get(2));
    // [Bq*Lq, d] x [d, Bd*Ld] -> [Bq, Lq, Bd, Ld]: one product for the whole grid
    NDArray raw = queries.reshape(q.get(0) * q.get(1), q.get(2))
        .matMul(documents.reshape(d.get(0) * d.get(1), d.get(2)).transpose())
        .reshape(q.get(0), q.get(1), d.get(0), d.get(1));
    NDArray scores = match.reduce(raw, 3).sum(new int[] {1});
    return normalizeByQueryLength ? scores.div(queryLengths(queries).expandDims(1)) : scores;
  }

  @Override
  public NDArray ownCandidates(NDArray queries, NDArray candidates) {
    Shape q = queries.getShape();
    Shape c = candidates.getShape();
    checkSameDimension(q.get(2), c.get(3));
    if (c.get(0) != q.get(0)) {
      throw new IllegalArgumentException("candidates for " + c.get(0) + " queries, but there are "
          + q.get(0));
    }
    // [B, Lq, d] x [B, d, N*Ld] -> [B, Lq, N, Ld]
    NDArray raw = queries.batchMatMul(
            candidates.reshape(c.get(0), c.get(1) * c.get(2), c.get(3)).transpose(0, 2, 1))
        .reshape(q.get(0), q.get(1), c.get(1), c.get(2));
    NDArray scores = match.reduce(raw, 3).sum(new int[] {1});
    return normalizeByQueryLength ? scores.div(queryLengths(queries).expandDims(1)) : scores;
  }

  /** [B] float: the rows of each query whose first component is non-zero (no gradient). */
  static NDArray queryLengths(NDArray queries) {
    try (NDArray first = queries.get(":, :, 0").stopGradient()) {
      return first.neq(0).toType(DataType.FLOAT32, false).sum(new int[] {1})
          .toType(queries.getDataType(), false);
    }
  }

  private static void checkSameDimension(long query, long document) {
    if (query != document) {
      throw new IllegalArgumentException("query vectors have dimension " + query
          + " but document vectors " + document);
    }
  }

  /** Turns a query token's scores over a document's tokens into one score. */
  public sealed interface TokenMatch {

    /** Reduces {@code raw} over {@code axis}, dropping it. */
    NDArray reduce(NDArray raw, int axis);

    /**
     * The maximum, with torch.amax's gradient: split evenly over tied maxima. Ties are real here,
     * not a corner case: a token whose every real match is negative is matched by the document's
     * padding rows, all 0 (DJL's max would hand the whole gradient to one of them).
     */
    record HardMax() implements TokenMatch {
      @Override
      public NDArray reduce(NDArray raw, int axis) {
        NDArray constant = raw.stopGradient();
        NDArray top = constant.max(new int[] {axis}, true);
        NDArray tied = constant.eq(top).toType(raw.getDataType(), false);
        NDArray share = tied.div(tied.sum(new int[] {axis}, true));
        return raw.mul(share).sum(new int[] {axis});
      }
    }

    /** colpali-engine's smooth max, {@code tau * logsumexp(raw / tau)}. */
    record SmoothMax(double tau) implements TokenMatch {
      public SmoothMax {
        if (!(tau > 0)) {
          throw new IllegalArgumentException("tau must be positive, not " + tau);
        }
      }

      @Override
      public NDArray reduce(NDArray raw, int axis) {
        NDArray t = LibtorchScalar.of(raw.getManager(), tau);
        NDArray scaled = raw.div(t);
        // shifted by the (constant) maximum so exp never overflows; the gradient is unchanged
        NDArray top = scaled.stopGradient().max(new int[] {axis}, true);
        return scaled.sub(top).exp().sum(new int[] {axis}).log().add(top.squeeze(axis)).mul(t);
      }
    }
  }
}
