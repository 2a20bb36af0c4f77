package dev.quire.training.optim;

/**
 * The learning rate of each optimiser step, as transformers' schedules give it through torch's
 * {@code LambdaLR}: {@link #rate(long)} of step s (0 for the first optimiser step) is the rate
 * after s calls of {@code scheduler.step()}, i.e. what {@code get_last_lr()} says before step s + 1.
 * With a warm-up the first step therefore runs at rate 0, as in the HF Trainer.
 */
public sealed interface LearningRateSchedule {

  /** The rate of the optimiser step that follows {@code completedSteps} completed steps. */
  double rate(long completedSteps);

  /** {@code get_constant_schedule}. */
  record Constant(double peak) implements LearningRateSchedule {
    @Override
    public double rate(long completedSteps) {
      return peak;
    }
  }

  /** {@code get_linear_schedule_with_warmup}: 0 to peak over the warm-up, then down to 0 at the last step. */
  record LinearWithWarmup(double peak, long warmupSteps, long trainingSteps) implements LearningRateSchedule {
    public LinearWithWarmup {
      checkSteps(warmupSteps, trainingSteps);
    }

    @Override
    public double rate(long step) {
      if (step < warmupSteps) {
        return peak * ((double) step / Math.max(1, warmupSteps));
      }
      return peak * Math.max(0.0, (double) (trainingSteps - step) / Math.max(1, trainingSteps - warmupSteps));
    }
  }

  /**
   * {@code get_cosine_schedule_with_warmup}: linear warm-up, then a cosine over {@code cycles} periods
   * (0.5: half a period, from peak down to 0 at the last step), clamped at 0.
   */
  record CosineWithWarmup(double peak, long warmupSteps, long trainingSteps, double cycles)
      implements LearningRateSchedule {
    public CosineWithWarmup {
      checkSteps(warmupSteps, trainingSteps);
    }

    /** transformers' default of half a cosine period. */
    public CosineWithWarmup(double peak, long warmupSteps, long trainingSteps) {
      this(peak, warmupSteps, trainingSteps, 0.5);
    }

    @Override
    public double rate(long step) {
      if (step < warmupSteps) {
        return peak * ((double) step / Math.max(1, warmupSteps));
      }
      double progress = (double) (step - warmupSteps) / Math.max(1, trainingSteps - warmupSteps);
      return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress)));
    }
  }

  private static void checkSteps(long warmupSteps, long trainingSteps) {
    if (warmupSteps < 0 || trainingSteps < 0) {
      throw new IllegalArgumentException("negative step count: " + warmupSteps + ", " + trainingSteps);
    }
  }
}
