package dev.quire.training.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.quire.model.qwen3vl.LibtorchScalar;
import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsWriter;
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

  /**
   * What the loop needs besides the parameters; {@code maxGradNorm} 0 turns clipping off (the
   * Trainer's rule); {@code lossScaling} null for none.
   */
  public record Config(double maxGradNorm, LossScaling lossScaling) {
    public Config {
      if (maxGradNorm < 0) {
        throw new IllegalArgumentException("max grad norm must be >= 0: " + maxGradNorm);
      }
    }

    /** Without loss scaling (float32). */
    public Config(double maxGradNorm) {
      this(maxGradNorm, null);
    }
  }

  /**
   * Dynamic loss scaling as {@code torch.amp.GradScaler}, for half-precision gradients that would
   * underflow: the loss is multiplied by the scale before the backward pass and the gradients
   * divided by it before clipping; a step whose gradients hold an infinity or a NaN is skipped (the
   * schedule does not advance either, as under accelerate) and the scale multiplied by {@code
   * backoff}; after {@code growthInterval} steps in a row without one it is multiplied by {@code growth}.
   */
  public record LossScaling(double initialScale, double growth, double backoff, int growthInterval) {
    public LossScaling {
      if (!(initialScale > 0) || !(growth > 1) || !(backoff > 0 && backoff < 1) || growthInterval < 1) {
        throw new IllegalArgumentException("loss scaling needs a positive scale, growth > 1, backoff in (0, 1)"
            + " and a positive interval");
      }
    }

    /** torch's defaults: 2^16, x2 every 2,000 good steps, x0.5 on an overflow. */
    public static LossScaling torchDefaults() {
      return new LossScaling(65536, 2, 0.5, 2000);
    }
  }

  /** One micro-batch's forward pass: its loss (a 0-d array) in {@code manager}, differentiable in the parameters. */
  @FunctionalInterface
  public interface MicroBatch {
    NDArray loss(NDManager manager);
  }

  /**
   * What an optimiser step did: its index (1 for the first), the learning rate it ran at, the
   * gradient norm before clipping, each micro-batch's loss (before the division); with loss
   * scaling, whether the step was skipped for an overflow and the scale it ran at (else false, 1).
   */
  public record StepReport(long step, double learningRate, double gradNorm, List<Float> losses, boolean skipped,
      double lossScale) {}

  private final List<NDArray> parameters;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final Config config;
  private final NDManager manager;
  private long completedSteps;
  /** Steps the optimiser took: the schedule's position (behind completedSteps by the skipped ones). */
  private long optimizerSteps;
  private double scale;
  private int goodSteps;
  private Runnable afterBackward = () -> {};

  /** {@code manager}: where each micro-batch's arrays are made (a sub-manager per micro-batch, closed after it). */
  public Trainer(List<NDArray> parameters, Optimizer optimizer, LearningRateSchedule schedule, Config config,
      NDManager manager) {
    this.parameters = List.copyOf(parameters);
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.config = config;
    this.manager = manager;
    this.scale = config.lossScaling() == null ? 1 : config.lossScaling().initialScale();
  }

  /** The loss scale the next step multiplies by (1 without loss scaling). */
  public double lossScale() {
    return scale;
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
  private static final String OPTIMIZER_STEPS = "trainer.optimizer_steps";
  private static final String LOSS_SCALE = "trainer.loss_scale";
  private static final String GOOD_STEPS = "trainer.growth_tracker";

  /**
   * Writes what continuing needs besides the adapter's weights (those go with the adapter): the
   * optimiser's state and the schedule's position, as {@link #STATE_FILE} in {@code folder},
   * replaced whole.
   */
  public void save(Path folder) throws IOException {
    SafetensorsWriter writer = new SafetensorsWriter().metadata(COMPLETED_STEPS, Long.toString(completedSteps))
        .metadata(OPTIMIZER_STEPS, Long.toString(optimizerSteps)).metadata(LOSS_SCALE, Double.toString(scale))
        .metadata(GOOD_STEPS, Integer.toString(goodSteps));
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
      // a state written before loss scaling: every step ran, at scale 1
      optimizerSteps = Long.parseLong(file.metadata().getOrDefault(OPTIMIZER_STEPS, completed));
      if (config.lossScaling() != null) {
        scale = Double.parseDouble(file.metadata().getOrDefault(LOSS_SCALE, Double.toString(config.lossScaling().initialScale())));
        goodSteps = Integer.parseInt(file.metadata().getOrDefault(GOOD_STEPS, "0"));
      }
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
        NDArray divided = loss.div(LibtorchScalar.of(scratch, microBatches.size()));
        collector.backward(config.lossScaling() == null ? divided
            : divided.mul(LibtorchScalar.of(scratch, (float) scale)));
        afterBackward.run();
      }
    }
    double rate = schedule.rate(optimizerSteps);
    double stepScale = scale;
    if (config.lossScaling() != null && !unscaleGradients()) {
      // an overflow: no update, a smaller scale, the schedule where it was (GradScaler.step + update)
      zeroGradients();
      scale *= config.lossScaling().backoff();
      goodSteps = 0;
      completedSteps++;
      return new StepReport(completedSteps, rate, Double.POSITIVE_INFINITY, List.copyOf(losses), true, stepScale);
    }
    double norm;
    try (NDManager scratch = manager.newSubManager()) {
      norm = GradientClipping.clipByGlobalNorm(parameters, config.maxGradNorm(), scratch);
    }
    optimizer.step(rate);
    zeroGradients();
    optimizerSteps++;
    completedSteps++;
    if (config.lossScaling() != null && ++goodSteps == config.lossScaling().growthInterval()) {
      scale *= config.lossScaling().growth();
      goodSteps = 0;
    }
    return new StepReport(completedSteps, rate, norm, List.copyOf(losses), false, stepScale);
  }

  /**
   * Multiplies every gradient by 1 / scale in place (float32, as torch's unscale_), unless one
   * holds an infinity or a NaN: then false, the gradients as they were.
   */
  private boolean unscaleGradients() {
    try (NDManager scratch = manager.newSubManager()) {
      for (NDArray parameter : parameters) {
        try (NDArray gradient = parameter.getGradient();
            NDArray bad = gradient.isInfinite().logicalOr(gradient.isNaN()).any()) {
          if (bad.getBoolean()) {
            return false;
          }
        }
      }
      NDArray inverse = LibtorchScalar.of(scratch, (float) (1.0 / scale));
      for (NDArray parameter : parameters) {
        try (NDArray gradient = parameter.getGradient()) {
          gradient.muli(inverse);
        }
      }
      return true;
    }
  }

  /**
   * libtorch adds every backward pass to the gradients; nothing resets them but this. Written as
   * zeros (not g - g, which keeps a NaN or an infinity of an overflowed step forever).
   */
  public static void zeroGradients(List<NDArray> parameters) {
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
