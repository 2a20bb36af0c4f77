package dev.quire.training.optim;

/**
 * Updates trainable parameters in place from their gradients. A step runs outside any gradient
 * recorder (as torch's {@code optimizer.step()} runs under {@code no_grad}), after the backward
 * passes of its micro-batches.
 */
public interface Optimizer extends AutoCloseable {

  /** One update of every parameter at this learning rate. */
  void step(double learningRate);

  /** How many steps have been taken. */
  long steps();

  /** Frees the optimiser's state (its moments), not the parameters. */
  @Override
  void close();
}
