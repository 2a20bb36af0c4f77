package dev.quire.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsTensor;
import dev.quire.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

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
    final String name;
    final NDArray parameter;
    NDArray expAvg;
    NDArray expAvgSq;
    long step;

    ParameterState(String name, NDArray parameter) {
      this.name = name;
      this.parameter = parameter;
    }
  }

  private static final String STEPS = "adamw.steps";

  private final Hyperparameters hyper;
  private final NDManager manager;
  private final List<ParameterState> states = new ArrayList<>();
  private long steps;

  /**
   * An optimiser over {@code parameters} by name (each must require a gradient; the names key the
   * saved state), its state in a sub-manager of {@code parent}.
   */
  public AdamW(SequencedMap<String, NDArray> parameters, Hyperparameters hyper, NDManager parent) {
    this.hyper = hyper;
    this.manager = parent.newSubManager();
    for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
      NDArray parameter = entry.getValue();
      if (!parameter.hasGradient()) {
        throw new IllegalArgumentException("a parameter without a gradient: " + parameter.getShape());
      }
      if (parameter.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("float32 parameters only, not " + parameter.getDataType());
      }
      states.add(new ParameterState(entry.getKey(), parameter));
    }
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

  /**
   * Adds the moments ({@code <name>.exp_avg}, {@code <name>.exp_avg_sq}, float32) and the step
   * counts and hyperparameters (metadata) to {@code writer}. Before the first step there are no
   * moments, as in torch's state_dict.
   */
  @Override
  public void save(SafetensorsWriter writer) {
    writer.metadata(STEPS, Long.toString(steps))
        .metadata("adamw.hyperparameters", hyper.toString());
    for (ParameterState state : states) {
      writer.metadata(state.name + ".step", Long.toString(state.step));
      if (state.expAvg != null) {
        long[] shape = state.parameter.getShape().getShape();
        writer.putF32(state.name + ".exp_avg", shape, state.expAvg.toFloatArray());
        writer.putF32(state.name + ".exp_avg_sq", shape, state.expAvgSq.toFloatArray());
      }
    }
  }

  /**
   * Replaces the state by what {@link #save} wrote: each parameter's moments and step, by name.
   * The hyperparameters stay this optimiser's. A file without a parameter of this optimiser, or
   * with moments of another shape, is refused.
   */
  @Override
  public void restore(SafetensorsFile file) throws IOException {
    Map<String, String> metadata = file.metadata();
    if (!metadata.containsKey(STEPS)) {
      throw new IOException(file.path() + " holds no AdamW state");
    }
    for (ParameterState state : states) {
      String step = metadata.get(state.name + ".step");
      if (step == null) {
        throw new IOException(file.path() + " has no state for " + state.name);
      }
      SafetensorsTensor expAvg = file.tensors().get(state.name + ".exp_avg");
      SafetensorsTensor expAvgSq = file.tensors().get(state.name + ".exp_avg_sq");
      if ((expAvg == null) != (Long.parseLong(step) == 0) || (expAvg == null) != (expAvgSq == null)) {
        throw new IOException(file.path() + ": the moments of " + state.name + " do not fit step " + step);
      }
      if (expAvg != null && !Arrays.equals(expAvg.shape(), state.parameter.getShape().getShape())) {
        throw new IOException(file.path() + ": " + state.name + " is " + state.parameter.getShape()
            + ", its moments " + Arrays.toString(expAvg.shape()));
      }
    }
    for (ParameterState state : states) {
      if (state.expAvg != null) {
        state.expAvg.close();
        state.expAvgSq.close();
        state.expAvg = null;
        state.expAvgSq = null;
      }
      state.step = Long.parseLong(metadata.get(state.name + ".step"));
      if (state.step > 0) {
        state.expAvg = ownCopy(file.tensor(state.name + ".exp_avg"));
        state.expAvgSq = ownCopy(file.tensor(state.name + ".exp_avg_sq"));
      }
    }
    steps = Long.parseLong(metadata.get(STEPS));
  }

  /** A libtorch-owned array of the tensor's values: updated in place, it must not alias Java memory. */
  private NDArray ownCopy(SafetensorsTensor tensor) {
    try (NDArray java = manager.create(tensor.toFloatArray(), new Shape(tensor.shape()))) {
      return java.duplicate();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
