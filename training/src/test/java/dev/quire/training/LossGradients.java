package dev.quire.training;

/** Comparisons of float arrays for the parity tests. */
final class LossGradients {

  private LossGradients() {}

  static double maxGap(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " values against " + b.length);
    }
    double gap = 0;
    for (int i = 0; i < a.length; i++) {
      gap = Math.max(gap, Math.abs(a[i] - b[i]));
    }
    return gap;
  }

  /** max |actual - expected| / max |expected|: the error relative to the tensor's scale. */
  static double relativeError(float[] actual, float[] expected) {
    double scale = 0;
    for (float value : expected) {
      scale = Math.max(scale, Math.abs(value));
    }
    double gap = maxGap(actual, expected);
    return scale == 0 ? gap : gap / scale;
  }
}
