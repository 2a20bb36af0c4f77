package dev.quire.model.qwen3vl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient checkpointing per decoder layer (transformers' {@code gradient_checkpointing_enable},
 * torch.utils.checkpoint), built from what DJL offers, which has no checkpoint function: a forward
 * pass given one of these runs every decoder layer without recording a graph, keeps only each
 * layer's input, and hands back a final hidden state differentiable from the last layer's output
 * alone. After the caller's backward pass has reached that output, {@link #backward} recomputes
 * the layers from the last to the first, each under autograd from its kept input, and continues
 * the backward pass through it with the gradient its output received. Memory holds the layer
 * inputs and one layer's activations instead of every layer's; the price is a second forward
 * pass through the layers.
 *
 * <p>A recomputed layer must draw the dropout masks the first pass drew: each layer's pass is
 * preceded by seeding the engine's generator from {@code seed} and the layer's index, in both
 * passes. The vision tower runs without a graph too, so nothing in it may be trained.
 */
public final class LayerCheckpoints implements AutoCloseable {

  private final NDManager manager;
  private final int seed;
  private final boolean verify;
  private final List<NDArray> inputs = new ArrayList<>();
  private final java.util.Map<Integer, NDArray> outputs = new java.util.HashMap<>();
  private TextDecoder decoder;
  private Attention attention;
  private NDArray cos;
  private NDArray sin;
  private float dropout;
  private NDArray last;
  private double drift;
  private boolean done;

  /**
   * Kept arrays go into a sub-manager of {@code manager}; {@code seed} fixes the layers' dropout
   * masks; {@code verify} compares each recomputed layer output with the first pass's
   * ({@link #recomputeDrift}), at the price of a pass over each output and a copy of the outputs
   * DeepStack changes: for tests, not for every training step.
   */
  public LayerCheckpoints(NDManager manager, int seed, boolean verify) {
    this.manager = manager.newSubManager();
    this.seed = seed;
    this.verify = verify;
  }

  /** Called by the decoder before its first layer: what a recomputation needs besides the inputs. */
  void begin(TextDecoder decoder, Attention attention, NDArray cos, NDArray sin) {
    if (this.decoder != null) {
      throw new IllegalStateException("these checkpoints already hold a forward pass");
    }
    this.decoder = decoder;
    this.attention = attention;
    this.cos = keep(cos.duplicate());
    this.sin = keep(sin.duplicate());
    this.dropout = Linear.LORA_DROPOUT.orElse(0f);
  }

  /** Seeds the engine's generator for {@code layer}'s pass (the same draw in both passes). */
  void seed(int layer) {
    Engine.getEngine("PyTorch").setRandomSeed(seed + 7919 * (layer + 1));
  }

  /** Layer {@code layer}'s input, in order. */
  void keepInput(int layer, NDArray input) {
    if (layer != inputs.size()) {
      throw new IllegalStateException("layer " + layer + " kept out of order");
    }
    inputs.add(keep(input.duplicate()));
  }

  /**
   * A layer's output before a DeepStack addition, for the drift check (without one, the output is
   * the next layer's input, kept already).
   */
  void keepOutput(int layer, NDArray output) {
    if (verify) {
      outputs.put(layer, keep(output.duplicate()));
    }
  }

  /**
   * The last layer's output (after any DeepStack addition) as a leaf asking for a gradient: what
   * the final norm starts from.
   */
  NDArray leaf(NDArray lastOutput) {
    last = keep(lastOutput.duplicate());
    last.setRequiresGradient(true);
    return last;
  }

  private NDArray keep(NDArray array) {
    NDScope.unregister(array); // made inside a layer's scope, it must outlive it
    array.attach(manager);
    return array;
  }

  /** Whether autograd records (a gradient collector is open on this thread). */
  public static boolean recording() {
    return JniUtils.isGradMode();
  }

  /** Runs {@code pass} without recording a graph (libtorch's no-grad mode, which is per thread). */
  static <T> T withoutGraph(java.util.function.Supplier<T> pass) {
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return pass.get();
    } finally {
      JniUtils.setGradMode(recording);
    }
  }

  /**
   * Continues the backward pass through the decoder's layers: call it after a backward pass that
   * reached the final hidden state, inside the same gradient collector. Once per forward pass.
   */
  public void backward() {
    if (decoder == null || last == null) {
      throw new IllegalStateException("no checkpointed forward pass to continue");
    }
    if (done) {
      throw new IllegalStateException("this forward pass was already backpropagated");
    }
    done = true;
    NDArray gradient = last.getGradient();
    boolean recording = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    try {
      ScopedValue.where(Linear.LORA_DROPOUT, dropout).run(() -> {
        NDArray g = gradient;
        for (int i = inputs.size() - 1; i >= 0; i--) {
          try (NDScope scope = new NDScope()) {
            NDArray input = inputs.get(i);
            boolean needsInputGradient = i > 0;
            if (needsInputGradient) {
              input.setRequiresGradient(true);
            }
            seed(i);
            NDArray output = decoder.layer(i, input, attention, cos, sin);
            // DeepStack additions after a layer are constants: its output's gradient passes as it is
            JniUtils.backward((PtNDArray) output, (PtNDArray) g, false, false);
            if (verify) {
              NDArray firstPass = outputs.getOrDefault(i, i + 1 < inputs.size() ? inputs.get(i + 1) : last);
              drift = Math.max(drift, withoutGraph(() -> output.sub(firstPass).abs().max()
                  .toType(DataType.FLOAT64, false).getDouble()));
            }
            NDArray next = needsInputGradient ? input.getGradient() : null;
            if (next != null) {
              NDScope.unregister(next);
              next.attach(manager);
            }
            g = next;
          }
        }
      });
    } finally {
      JniUtils.setGradMode(recording);
    }
  }

  /**
   * The largest difference between a recomputed layer output and the first pass's: 0 when the
   * recomputation saw what the first pass saw (inputs, dropout masks), as it must; NaN unless
   * verifying.
   */
  public double recomputeDrift() {
    return verify ? drift : Double.NaN;
  }

  @Override
  public void close() {
    manager.close();
  }
}
