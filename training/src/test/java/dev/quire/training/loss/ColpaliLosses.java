package dev.quire.training.loss;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** colpali-engine 0.3.18's loss classes and keyword arguments, as the reference scripts name them. */
public final class ColpaliLosses {

  private ColpaliLosses() {}

  /** The class's constructor defaults, then {@code kwargs}; an unknown class or keyword fails. */
  public static LateInteractionLoss build(String loss, JsonNode kwargs) {
    LossConfig config = switch (loss) {
      case "ColbertLoss" -> LossConfig.colbert();
      case "ColbertPairwiseCELoss" -> LossConfig.colbertPairwise();
      case "ColbertNegativeCELoss" -> LossConfig.colbertNegative();
      case "ColbertPairwiseNegativeCELoss" -> LossConfig.colbertPairwiseNegative();
      default -> throw new IllegalArgumentException("no such loss " + loss);
    };
    boolean normalize = true;
    boolean smooth = false;
    double tau = 0.1;
    boolean filter = false;
    LossConfig.NegativeFilter negativeFilter = LossConfig.NegativeFilter.colpaliDefault();
    for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.properties().iterator(); it.hasNext();) {
      Map.Entry<String, JsonNode> kw = it.next();
      JsonNode v = kw.getValue();
      switch (kw.getKey()) {
        case "temperature" -> config = config.withTemperature(v.asDouble());
        case "in_batch_term_weight" -> config = config.withInBatchTermWeight(v.asDouble());
        case "normalize_scores" -> normalize = v.asBoolean();
        case "use_smooth_max" -> smooth = v.asBoolean();
        case "tau" -> tau = v.asDouble();
        case "pos_aware_negative_filtering" -> filter = v.asBoolean();
        case "filter_threshold" ->
            negativeFilter = new LossConfig.NegativeFilter(v.asDouble(), negativeFilter.factor());
        case "filter_factor" ->
            negativeFilter = new LossConfig.NegativeFilter(negativeFilter.threshold(), v.asDouble());
        default -> throw new IllegalArgumentException("unmapped keyword " + kw.getKey());
      }
    }
    if (filter) {
      config = config.withFilter(negativeFilter);
    }
    MaxSim.TokenMatch match = smooth ? new MaxSim.TokenMatch.SmoothMax(tau)
        : new MaxSim.TokenMatch.HardMax();
    return new LateInteractionLoss(new MaxSim(match, normalize), config);
  }
}
