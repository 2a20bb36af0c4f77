package dev.quire.model;

/**
 * The floating-point type of weights and activations. FLOAT16 runs only on CUDA: libtorch
 * computes half precision on the CPU at about 1 GFLOP/s.
 */
public enum Precision {
  FLOAT32,
  FLOAT16;

  /** Refuses float16 off CUDA. */
  public void checkFits(boolean onGpu) {
    if (this == FLOAT16 && !onGpu) {
      throw new IllegalArgumentException(
          "float16 runs only on CUDA: libtorch computes half precision on the CPU at about"
              + " 1 GFLOP/s; use float32 on the CPU");
    }
  }
}
