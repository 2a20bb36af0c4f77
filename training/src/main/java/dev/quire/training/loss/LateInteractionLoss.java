package dev.quire.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.quire.model.qwen3vl.LibtorchScalar;
import java.util.Objects;

/**
 * colpali-engine's late-interaction losses (ColbertLoss, ColbertPairwiseCELoss,
 * ColbertNegativeCELoss, ColbertPairwiseNegativeCELoss) as one loss over a scoring function and a
 * {@link LossConfig}, in NDArray operations so that DJL's autograd differentiates it. The result
 * is a scalar in the manager of the batch's queries. Single process: colpali's multi-GPU
 * {@code offset} is always 0.
 */
public final class LateInteractionLoss {

  private final LateInteractionScoring scoring;
  private final LossConfig config;

  public LateInteractionLoss(LateInteractionScoring scoring, LossConfig config) {
    this.scoring = Objects.requireNonNull(scoring, "scoring");
    this.config = Objects.requireNonNull(config, "config");
  }

  public LossConfig config() {
    return config;
  }

  public NDArray loss(ContrastiveBatch batch) {
    if (batch.negatives().isEmpty()) {
      return inBatchTerm(batch);
    }
    NDArray negatives = batch.negatives().get();
    NDArray positive = scoring.ownCandidates(batch.queries(), batch.positives().expandDims(1));
    NDArray negative = scoring.ownCandidates(batch.queries(), negatives);
    NDManager manager = batch.queries().getManager();
    NDArray temperature = LibtorchScalar.of(manager, config.temperature());
    NDArray explicit = softplus(negative.sub(positive).div(temperature)).mean();
    double w = config.inBatchTermWeight();
    if (w == 0) {
      return explicit;
    }
    return explicit.mul(LibtorchScalar.of(manager, 1 - w))
        .add(inBatchTerm(batch).mul(LibtorchScalar.of(manager, w)));
  }

  private NDArray inBatchTerm(ContrastiveBatch batch) {
    NDArray scores = scoring.allPairs(batch.queries(), batch.positives());
    if (config.filter().isPresent()) {
      scores = filterHighNegatives(scores, config.filter().get());
    }
    NDArray temperature = LibtorchScalar.of(scores.getManager(), config.temperature());
    return switch (config.inBatch()) {
      case CROSS_ENTROPY -> scores.div(temperature).logSoftmax(1).diagonal().mean().neg();
      case HARDEST_NEGATIVE_SOFTPLUS -> {
        if (batch.size() < 2) {
          throw new IllegalArgumentException("the hardest in-batch negative needs a batch of 2 or"
              + " more, not " + batch.size());
        }
        NDArray positive = scores.diagonal();
        NDManager manager = scores.getManager();
        NDArray diagonal = manager.eye((int) batch.size()).toType(DataType.BOOLEAN, false);
        NDArray masked = NDArrays.where(diagonal,
            manager.full(scores.getShape(), Float.NEGATIVE_INFINITY, scores.getDataType()), scores);
        NDArray hardest = masked.max(new int[] {1});
        yield softplus(hardest.sub(positive).div(temperature)).mean();
      }
    };
  }

  /** Scores of negatives above threshold x their row's positive, times factor (no gradient to the mask). */
  private static NDArray filterHighNegatives(NDArray scores, LossConfig.NegativeFilter filter) {
    NDManager manager = scores.getManager();
    NDArray constant = scores.stopGradient();
    NDArray threshold = constant.diagonal().mul(filter.threshold()).expandDims(1);
    NDArray offDiagonal = manager.eye((int) scores.getShape().get(0)).eq(0);
    NDArray high = constant.gt(threshold).logicalAnd(offDiagonal);
    NDArray weights = NDArrays.where(high,
        manager.full(scores.getShape(), (float) filter.factor(), scores.getDataType()),
        manager.ones(scores.getShape(), scores.getDataType()));
    return scores.mul(weights);
  }

  /** log(1 + e^x): PyTorch's own softplus (log1p in the tail, where log(1 + e^x) loses digits). */
  static NDArray softplus(NDArray x) {
    return Activation.softPlus(x);
  }
}
