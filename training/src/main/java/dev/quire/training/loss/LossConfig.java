package dev.quire.training.loss;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link LateInteractionLoss} computes; the four presets are colpali-engine 0.3.18's losses
 * with their defaults.
 *
 * <p>Without explicit negatives the loss is the in-batch term alone. With them it is
 * {@code (1 - w) * mean(softplus((negative - positive) / temperature)) + w * inBatch} over each
 * query's own negatives, the in-batch term left out when {@code w} is 0 (colpali's
 * {@code in_batch_term_weight}).
 *
 * @param inBatch what the in-batch term is
 * @param temperature divides every score difference or logit
 * @param inBatchTermWeight w above, in [0, 1]; unused without explicit negatives
 * @param filter colpali's pos_aware_negative_filtering, applied to the in-batch scores only
 */
public record LossConfig(InBatchObjective inBatch, double temperature, double inBatchTermWeight,
    Optional<NegativeFilter> filter) {

  public LossConfig {
    Objects.requireNonNull(inBatch, "inBatch");
    Objects.requireNonNull(filter, "filter");
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, not " + temperature);
    }
    if (!(inBatchTermWeight >= 0 && inBatchTermWeight <= 1)) {
      throw new IllegalArgumentException("inBatchTermWeight must be in [0, 1], not "
          + inBatchTermWeight);
    }
  }

  /** ColbertLoss: in-batch cross-entropy, temperature 0.02. */
  public static LossConfig colbert() {
    return new LossConfig(InBatchObjective.CROSS_ENTROPY, 0.02, 0.5, Optional.empty());
  }

  /** ColbertPairwiseCELoss: softplus of hardest in-batch negative minus positive, temperature 1. */
  public static LossConfig colbertPairwise() {
    return new LossConfig(InBatchObjective.HARDEST_NEGATIVE_SOFTPLUS, 1.0, 0.5, Optional.empty());
  }

  /** ColbertNegativeCELoss: explicit negatives, half weight on the in-batch cross-entropy. */
  public static LossConfig colbertNegative() {
    return new LossConfig(InBatchObjective.CROSS_ENTROPY, 0.02, 0.5, Optional.empty());
  }

  /** ColbertPairwiseNegativeCELoss: explicit negatives, half weight on the in-batch pairwise term. */
  public static LossConfig colbertPairwiseNegative() {
    return new LossConfig(InBatchObjective.HARDEST_NEGATIVE_SOFTPLUS, 0.02, 0.5, Optional.empty());
  }

  public LossConfig withTemperature(double value) {
    return new LossConfig(inBatch, value, inBatchTermWeight, filter);
  }

  public LossConfig withInBatchTermWeight(double value) {
    return new LossConfig(inBatch, temperature, value, filter);
  }

  public LossConfig withFilter(NegativeFilter value) {
    return new LossConfig(inBatch, temperature, inBatchTermWeight, Optional.of(value));
  }

  /** The in-batch term over the [B, B] score matrix whose diagonal holds the positives. */
  public enum InBatchObjective {
    /** Cross-entropy of {@code scores / temperature} against the diagonal (ColbertLoss). */
    CROSS_ENTROPY,
    /** {@code mean(softplus((hardest negative - positive) / temperature))} (ColbertPairwiseCELoss). */
    HARDEST_NEGATIVE_SOFTPLUS
  }

  /**
   * Down-weights in-batch negatives that score above {@code threshold} times their query's
   * positive, multiplying them by {@code factor} (likely false negatives); colpali's defaults are
   * 0.95 and 0.5.
   */
  public record NegativeFilter(double threshold, double factor) {
    public static NegativeFilter colpaliDefault() {
      return new NegativeFilter(0.95, 0.5);
    }
  }
}
