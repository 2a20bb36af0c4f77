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
import java.util.List;

/** The goldens of tools/reference/training_goldens.py: one case per colpali-engine loss config. */
record LossGoldens(List<Case> cases, Path tensors) {

  /** A case: the colpali-engine class and keyword arguments, and the value the reference gave. */
  record Case(String name, String loss, JsonNode kwargs, double value, List<String> inputs,
      int paddingTies, int filteredNegatives) {

    @Override
    public String toString() {
      return name;
    }

    LateInteractionLoss build() {
      return ColpaliLosses.build(loss, kwargs);
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
