package dev.quire.training.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * colpali-engine 0.3.18's four late-interaction losses against the reference: value and gradient
 * with respect to queries, positives and negatives, to 1e-4 relative (tools/reference/training_goldens.py).
 */
class LateInteractionLossTest {

  private static final double TOLERANCE = 1e-4;
  private static LossGoldens goldens;

  @BeforeAll
  static void load() {
    TorchRuntime.init();
    goldens = LossGoldens.load();
  }

  static List<LossGoldens.Case> cases() {
    return LossGoldens.load().cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void valueAndGradientsMatchColpaliEngine(LossGoldens.Case golden) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Map<String, NDArray> inputs = new LinkedHashMap<>();
      for (String input : golden.inputs()) {
        NDArray array = goldens.tensor(manager, golden.name() + "." + input);
        array.setRequiresGradient(true);
        inputs.put(input, array);
      }
      ContrastiveBatch batch = inputs.containsKey("neg")
          ? ContrastiveBatch.withNegatives(inputs.get("query"), inputs.get("doc"), inputs.get("neg"))
          : ContrastiveBatch.inBatch(inputs.get("query"), inputs.get("doc"));
      LateInteractionLoss loss = golden.build();
      Map<String, Double> errors = new LinkedHashMap<>();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray value = loss.loss(batch);
        assertThat(value.getShape().isScalar()).isTrue();
        errors.put("value", Math.abs(value.getFloat() - golden.value()) / Math.abs(golden.value()));
        // a tensor autograd kept that viewed Java memory would be freed here: garbage gradients
        System.gc();
        collector.backward(value);
        for (Map.Entry<String, NDArray> input : inputs.entrySet()) {
          float[] expected = goldens.tensor(manager, golden.name() + ".grad." + input.getKey())
              .toFloatArray();
          errors.put("grad." + input.getKey(), LossGoldens.relativeError(
              input.getValue().getGradient().toFloatArray(), expected));
        }
      }
      System.out.printf("%-28s %s%n", golden.name(), errors);
      assertThat(errors).allSatisfy((what, error) -> assertThat(error).as(what).isLessThan(TOLERANCE));
    }
  }

  @Test
  void theGoldensExerciseTiesAtPaddingAndTheNegativeFilter() {
    // without these the amax-tie gradient and the filter could be wrong and every case still pass
    assertThat(goldens.cases()).anySatisfy(c -> assertThat(c.paddingTies()).isPositive());
    assertThat(goldens.cases()).filteredOn(c -> c.kwargs().path("pos_aware_negative_filtering").asBoolean())
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(c -> assertThat(c.filteredNegatives()).isPositive());
  }
}
