package dev.quire.training.optim;

import dev.quire.model.safetensors.SafetensorsFile;
import dev.quire.model.safetensors.SafetensorsWriter;
import java.io.IOException;

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

  /** Adds the optimiser's state (moments, steps) to a file being written. */
  void save(SafetensorsWriter writer);

  /** Replaces the state by one {@link #save} wrote, for the same parameters. */
  void restore(SafetensorsFile file) throws IOException;

  /** Frees the optimiser's state (its moments), not the parameters. */
  @Override
  void close();
}
