package dev.quire.training.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsWriter;
import dev.quire.training.loss.LibtorchScalar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimisation loop apart from the model, as the HF Trainer runs it: per optimiser step, each
 * micro-batch's loss divided by the number of micro-batches and backpropagated (gradients add up:
 * the step sees their mean), the global gradient norm clipped, the optimiser stepped at the
 * schedule's rate, the gradients zeroed. Dividing by the micro-batches actually given is what the
 * Trainer does too (its last step of an epoch may have fewer).
 */
public final class Trainer {

  /** What the loop needs besides the parameters; {@code maxGradNorm} 0 turns clipping off (the Trainer's rule). */
  public record Config(double maxGradNorm) {
    public Config {
      if (maxGradNorm < 0) {
        throw new IllegalArgumentException("max grad norm must be >= 0: " + maxGradNorm);
      }
    }

    /** transformers' {@code TrainingArguments} default: clip at 1.0. */
    public static Config trainerDefaults() {
      return new Config(1.0);
    }
  }

  /** One micro-batch's forward pass: its loss (a 0-d array) in {@code manager}, differentiable in the parameters. */
  @FunctionalInterface
  public interface MicroBatch {
    NDArray loss(NDManager manager);
  }

  /**
   * What an optimiser step did: its index (1 for the first), the learning rate it ran at, the
   * gradient norm before clipping, each micro-batch's loss (before the division).
   */
  public record StepReport(long step, double learningRate, double gradNorm, List<Float> losses) {}

  private final List<NDArray> parameters;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final Config config;
  private final NDManager manager;
  private long completedSteps;
  private Runnable afterBackward = () -> {};

  /** {@code manager}: where each micro-batch's arrays are made (a sub-manager per micro-batch, closed after it). */
  public Trainer(List<NDArray> parameters, Optimizer optimizer, LearningRateSchedule schedule, Config config,
      NDManager manager) {
    this.parameters = List.copyOf(parameters);
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.config = config;
    this.manager = manager;
  }

  /**
   * Runs {@code hook} after each micro-batch's backward pass, inside its gradient collector (a
   * model with gradient checkpointing continues the pass through its layers there).
   */
  public Trainer afterEachBackward(Runnable hook) {
    this.afterBackward = java.util.Objects.requireNonNull(hook);
    return this;
  }

  public long completedSteps() {
    return completedSteps;
  }

  /** The file, next to an adapter, that {@link #save} writes. */
  public static final String STATE_FILE = "training_state.safetensors";

  private static final String COMPLETED_STEPS = "trainer.completed_steps";

  /**
   * Writes what continuing needs besides the adapter's weights (those go with the adapter): the
   * optimiser's state and the schedule's position, as {@link #STATE_FILE} in {@code folder},
   * replaced whole.
   */
  public void save(Path folder) throws IOException {
    SafetensorsWriter writer = new SafetensorsWriter().metadata(COMPLETED_STEPS, Long.toString(completedSteps));
    optimizer.save(writer);
    Files.createDirectories(folder);
    writer.write(folder.resolve(STATE_FILE));
  }

  /**
   * Continues from what {@link #save} wrote in {@code folder}: the next step runs with the
   * moments and at the schedule's rate an uninterrupted run would have, given the same weights.
   */
  public void restore(Path folder) throws IOException {
    try (SafetensorsFile file = SafetensorsFile.open(folder.resolve(STATE_FILE))) {
      String completed = file.metadata().get(COMPLETED_STEPS);
      if (completed == null) {
        throw new IOException(file.path() + " is not a trainer's state");
      }
      optimizer.restore(file);
      completedSteps = Long.parseLong(completed);
    }
  }

  /** One optimiser step over these micro-batches (at least one). */
  public StepReport step(List<? extends MicroBatch> microBatches) {
    if (microBatches.isEmpty()) {
      throw new IllegalArgumentException("a step needs at least one micro-batch");
    }
    zeroGradients();
    List<Float> losses = new ArrayList<>();
    for (MicroBatch microBatch : microBatches) {
      try (NDManager scratch = manager.newSubManager();
          GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss = microBatch.loss(scratch);
        losses.add(loss.getFloat());
        // a libtorch scalar: autograd keeps the divisor, a Java number's buffer may be freed first
        collector.backward(loss.div(LibtorchScalar.of(scratch, microBatches.size())));
        afterBackward.run();
      }
    }
    double rate = schedule.rate(completedSteps);
    double norm;
    try (NDManager scratch = manager.newSubManager()) {
      norm = GradientClipping.clipByGlobalNorm(parameters, config.maxGradNorm(), scratch);
    }
    optimizer.step(rate);
    zeroGradients();
    completedSteps++;
    return new StepReport(completedSteps, rate, norm, List.copyOf(losses));
  }

  /**
   * libtorch adds every backward pass to the gradients; nothing resets them but this. Written as
   * zeros (not g - g, which keeps a NaN or an infinity of an overflowed step forever).
   */
  static void zeroGradients(List<NDArray> parameters) {
    for (NDArray parameter : parameters) {
      try (NDArray gradient = parameter.getGradient()) {
        gradient.set(new NDIndex("..."), 0f);
      }
    }
  }

  private void zeroGradients() {
    zeroGradients(parameters);
  }
}
