package dev.quire.training.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The goldens of tools/reference/training_goldens.py: one case per colpali-engine loss config. */
record LossGoldens(List<Case> cases, Path tensors) {

  /** A case: the colpali-engine class and keyword arguments, and the value the reference gave. */
  record Case(String name, String loss, JsonNode kwargs, double value, List<String> inputs,
      int paddingTies, int filteredNegatives) {

    @Override
    public String toString() {
      return name;
    }

    /** colpali-engine's constructor defaults, then the case's keyword arguments. */
    LateInteractionLoss build() {
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

  static LossGoldens load() {
    try {
      Path folder = Path.of(LossGoldens.class.getResource("/dev/quire/training/losses/loss-goldens.json")
          .toURI()).getParent();
      JsonNode root = new ObjectMapper().readTree(folder.resolve("loss-goldens.json").toFile());
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : root.get("cases")) {
        List<String> inputs = new ArrayList<>();
        c.get("inputs").forEach(i -> inputs.add(i.asText()));
        cases.add(new Case(c.get("name").asText(), c.get("loss").asText(), c.get("kwargs"),
            c.get("value").asDouble(), inputs, c.get("padding_ties").asInt(),
            c.get("filtered_negatives").asInt()));
      }
      return new LossGoldens(List.copyOf(cases), folder.resolve("loss-goldens.safetensors"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The tensor {@code name} as a float32 NDArray in {@code manager}. */
  NDArray tensor(NDManager manager, String name) {
    try (SafetensorsFile file = SafetensorsFile.open(tensors)) {
      SafetensorsTensor t = file.tensor(name);
      return manager.create(t.toFloatArray(), new Shape(t.shape()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** max |actual - expected| / max |expected|: the error relative to the tensor's scale. */
  static double relativeError(float[] actual, float[] expected) {
    double gap = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      gap = Math.max(gap, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return scale == 0 ? gap : gap / scale;
  }
}
