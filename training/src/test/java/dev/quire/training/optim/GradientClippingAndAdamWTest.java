package dev.quire.training.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.quire.model.TorchRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clipping and AdamW on parameters whose gradients are known (the gradient of sum(p * c) is c),
 * against torch's formulas written out in double here.
 */
class GradientClippingAndAdamWTest {

  @BeforeAll
  static void init() {
    TorchRuntime.init();
  }

  /** Two parameters whose gradients are {@code first} and {@code second}. */
  private static List<NDArray> withGradients(NDManager manager, float[] first, float[] second) {
    NDArray p = manager.ones(new Shape(first.length)).duplicate();
    NDArray q = manager.ones(new Shape(second.length)).duplicate();
    p.setRequiresGradient(true);
    q.setRequiresGradient(true);
    NDArray c = manager.create(first).duplicate();
    NDArray d = manager.create(second).duplicate();
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      collector.backward(p.mul(c).sum().add(q.mul(d).sum()));
    }
    return List.of(p, q);
  }

  @Test
  void clipsByTheGlobalNormAndReportsItBeforeClipping() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      List<NDArray> parameters = withGradients(manager, new float[] {3, 0}, new float[] {0, 0, 4});
      double norm = GradientClipping.clipByGlobalNorm(parameters, 1.0, manager);
      assertThat(norm).isEqualTo(5.0);
      double coefficient = 1.0 / (5.0 + 1e-6);
      assertThat(parameters.get(0).getGradient().toFloatArray()[0]).isCloseTo((float) (3 * coefficient), Offset.offset(1e-7f));
      assertThat(parameters.get(1).getGradient().toFloatArray()[2]).isCloseTo((float) (4 * coefficient), Offset.offset(1e-7f));
      // below the maximum: the coefficient is clamped at 1, the gradients stay as they are
      List<NDArray> small = withGradients(manager, new float[] {0.3f}, new float[] {0.4f});
      assertThat(GradientClipping.clipByGlobalNorm(small, 1.0, manager)).isCloseTo(0.5, Offset.offset(1e-7));
      assertThat(small.get(0).getGradient().toFloatArray()).containsExactly(0.3f);
      // 0: no clipping, the norm still measured (the HF Trainer's max_grad_norm = 0)
      List<NDArray> off = withGradients(manager, new float[] {30f}, new float[] {40f});
      assertThat(GradientClipping.clipByGlobalNorm(off, 0, manager)).isEqualTo(50.0);
      assertThat(off.get(1).getGradient().toFloatArray()).containsExactly(40f);
    }
  }

  @Test
  void zeroedGradientsAreZeroEvenAfterAnOverflow() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      List<NDArray> parameters = withGradients(manager, new float[] {Float.NaN, 2f}, new float[] {Float.POSITIVE_INFINITY});
      Trainer.zeroGradients(parameters);
      assertThat(parameters.get(0).getGradient().toFloatArray()).containsExactly(0f, 0f);
      assertThat(parameters.get(1).getGradient().toFloatArray()).containsExactly(0f);
      // and a later backward pass accumulates from zero
      NDArray c = manager.create(new float[] {1.5f, -1f}).duplicate();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(parameters.get(0).mul(c).sum());
      }
      assertThat(parameters.get(0).getGradient().toFloatArray()).containsExactly(1.5f, -1f);
    }
  }

  @Test
  void adamWFollowsTorchsUpdateOverSteps() {
    float[] gradient = {0.5f, -2f, 1e-9f};
    float[] secondGradient = {-0.25f, 1f, 3f};
    var hyper = new AdamW.Hyperparameters(0.9, 0.999, 1e-8, 0.1);
    double lr = 0.01;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      List<NDArray> parameters = withGradients(manager, gradient, new float[] {1f});
      try (AdamW adamW = new AdamW(named(parameters), hyper, manager)) {
        adamW.step(lr);
        // torch's formula in double, from p = 1: decay, moments, bias corrections
        double[] m = new double[3];
        double[] v = new double[3];
        double[] expected = {1, 1, 1};
        expected = expectedStep(expected, gradient, m, v, 1, lr, hyper);
        assertClose(parameters.get(0).toFloatArray(), expected);
        // the second step with other gradients: the moments carry over
        try (NDArray g = parameters.get(0).getGradient()) {
          g.subi(g).addi(manager.create(secondGradient));
        }
        adamW.step(lr / 2);
        expected = expectedStep(expected, secondGradient, m, v, 2, lr / 2, hyper);
        assertClose(parameters.get(0).toFloatArray(), expected);
        assertThat(adamW.steps()).isEqualTo(2);
      }
    }
  }

  private static SequencedMap<String, NDArray> named(List<NDArray> parameters) {
    SequencedMap<String, NDArray> named = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      named.put("p" + i, parameters.get(i));
    }
    return named;
  }

  private static double[] expectedStep(double[] p, float[] g, double[] m, double[] v, int t, double lr,
      AdamW.Hyperparameters h) {
    double[] next = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      m[i] = h.beta1() * m[i] + (1 - h.beta1()) * g[i];
      v[i] = h.beta2() * v[i] + (1 - h.beta2()) * g[i] * g[i];
      double denominator = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(h.beta2(), t)) + h.epsilon();
      next[i] = p[i] * (1 - lr * h.weightDecay()) - lr / (1 - Math.pow(h.beta1(), t)) * m[i] / denominator;
    }
    return next;
  }

  private static void assertClose(float[] actual, double[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("element " + i).isCloseTo(expected[i], Offset.offset(1e-6));
    }
  }
}
