package dev.quire.training;

/** Comparisons of float arrays for the parity tests. */
final class LossGradients {

  private LossGradients() {}

  static double maxGap(float[] a, float[] b) {
    double gap = 0;
    for (int i = 0; i < a.length; i++) {
      gap = Math.max(gap, Math.abs(a[i] - b[i]));
    }
    return gap;
  }
}
