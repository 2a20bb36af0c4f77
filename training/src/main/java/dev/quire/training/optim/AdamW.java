package dev.quire.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW as {@code torch.optim.AdamW} computes it (its single-tensor path, the one torch takes on
 * the CPU; amsgrad off, not maximising): per parameter and step t,
 *
 * <pre>
 *   p      *= 1 - lr * weight_decay                 (decoupled decay, before the moments)
 *   m      += (1 - beta1) (g - m)                   (exp_avg.lerp_(g, 1 - beta1))
 *   v       = beta2 v + (1 - beta2) g^2
 *   p      -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * Bias corrections and step sizes are computed in double, the tensor arithmetic in float32, as
 * torch does. Every parameter is decayed: the HF Trainer exempts only biases and norm weights, and
 * a LoRA adapter has neither. The moments live in a manager of the optimiser's own, created on the
 * first step as torch creates them (zeros like the parameter).
 */
public final class AdamW implements Optimizer {

  /** torch's names and meanings; {@link #torchDefaults()} are {@code torch.optim.AdamW}'s. */
  public record Hyperparameters(double beta1, double beta2, double epsilon, double weightDecay) {
    public Hyperparameters {
      if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
        throw new IllegalArgumentException("betas must be in [0, 1): " + beta1 + ", " + beta2);
      }
      if (epsilon < 0 || weightDecay < 0) {
        throw new IllegalArgumentException("epsilon and weight decay must be >= 0");
      }
    }

    /** {@code torch.optim.AdamW()}: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public static Hyperparameters torchDefaults() {
      return new Hyperparameters(0.9, 0.999, 1e-8, 0.01);
    }

    /** transformers' {@code TrainingArguments} defaults: torch's, but weight decay 0. */
    public static Hyperparameters trainerDefaults() {
      return new Hyperparameters(0.9, 0.999, 1e-8, 0.0);
    }

    public Hyperparameters withWeightDecay(double decay) {
      return new Hyperparameters(beta1, beta2, epsilon, decay);
    }
  }

  /** One parameter's state: torch's {@code exp_avg}, {@code exp_avg_sq} and {@code step}. */
  static final class ParameterState {
    final NDArray parameter;
    NDArray expAvg;
    NDArray expAvgSq;
    long step;

    ParameterState(NDArray parameter) {
      this.parameter = parameter;
    }
  }

  private final Hyperparameters hyper;
  private final NDManager manager;
  private final List<ParameterState> states = new ArrayList<>();
  private long steps;

  /** An optimiser over {@code parameters} (each must require a gradient), state in a sub-manager of {@code parent}. */
  public AdamW(List<NDArray> parameters, Hyperparameters hyper, NDManager parent) {
    this.hyper = hyper;
    this.manager = parent.newSubManager();
    for (NDArray parameter : parameters) {
      if (!parameter.hasGradient()) {
        throw new IllegalArgumentException("a parameter without a gradient: " + parameter.getShape());
      }
      if (parameter.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("float32 parameters only, not " + parameter.getDataType());
      }
      states.add(new ParameterState(parameter));
    }
  }

  public Hyperparameters hyperparameters() {
    return hyper;
  }

  @Override
  public long steps() {
    return steps;
  }

  @Override
  public void step(double learningRate) {
    for (ParameterState state : states) {
      // the scope frees the gradient's handle and every temporary; parameters and moments were
      // made outside it and stay
      try (NDScope scope = new NDScope()) {
        NDArray gradient = state.parameter.getGradient();
        if (state.expAvg == null) {
          state.expAvg = manager.zeros(state.parameter.getShape(), DataType.FLOAT32);
          state.expAvgSq = manager.zeros(state.parameter.getShape(), DataType.FLOAT32);
          NDScope.unregister(state.expAvg, state.expAvgSq);
        }
        update(state, gradient, learningRate);
      }
    }
    steps++;
  }

  private void update(ParameterState state, NDArray gradient, double lr) {
    state.step++;
    NDArray parameter = state.parameter;
    parameter.muli((float) (1 - lr * hyper.weightDecay()));
    state.expAvg.addi(gradient.sub(state.expAvg).muli((float) (1 - hyper.beta1())));
    state.expAvgSq.muli((float) hyper.beta2()).addi(gradient.mul(gradient).muli((float) (1 - hyper.beta2())));
    double biasCorrection1 = 1 - Math.pow(hyper.beta1(), state.step);
    double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(hyper.beta2(), state.step));
    double stepSize = lr / biasCorrection1;
    NDArray denominator = state.expAvgSq.sqrt().divi((float) biasCorrection2Sqrt).addi((float) hyper.epsilon());
    parameter.addi(state.expAvg.div(denominator).muli((float) -stepSize));
  }

  @Override
  public void close() {
    manager.close();
  }
}
