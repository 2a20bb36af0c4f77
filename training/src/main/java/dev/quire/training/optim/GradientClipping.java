package dev.quire.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.quire.model.qwen3vl.LibtorchScalar;
import java.util.List;

/** {@code torch.nn.utils.clip_grad_norm_} with the 2-norm, on the CPU path torch takes (no foreach). */
public final class GradientClipping {

  /** torch's guard against division by a zero norm, added to the norm before dividing. */
  static final float EPSILON = 1e-6f;

  private GradientClipping() {}

  /**
   * The global 2-norm of the gradients of {@code parameters} (the 2-norm of their 2-norms, in
   * float32), and, if {@code maxNorm} is positive, every gradient multiplied in place by
   * min(1, maxNorm / (norm + 1e-6)), as torch does, by 1 when it does not clip. Returns the norm
   * before clipping (what the HF Trainer logs as grad_norm). Call outside any gradient recorder.
   */
  public static double clipByGlobalNorm(List<NDArray> parameters, double maxNorm, NDManager manager) {
    try (NDScope scope = new NDScope()) {
      NDList gradients = new NDList();
      NDList norms = new NDList();
      for (NDArray parameter : parameters) {
        NDArray gradient = parameter.getGradient();
        gradients.add(gradient);
        norms.add(gradient.norm());
      }
      NDArray total = NDArrays.stack(norms).norm();
      if (maxNorm > 0) {
        NDArray coefficient = LibtorchScalar.of(manager, maxNorm)
            .div(total.add(EPSILON)).minimum(1f);
        for (NDArray gradient : gradients) {
          gradient.muli(coefficient);
        }
      }
      return total.getFloat();
    }
  }
}
