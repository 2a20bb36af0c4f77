package dev.quire.retrieval;

import java.util.Locale;

/** The three MaxSim scorers over the stored page codes. */
public enum Scorer {
  /** Binary query x binary page: sum over query tokens of 1/(1 + minimum Hamming distance). */
  HAMMING,
  /** Float query x sign-unpacked binary page (+1/-1). */
  ASYMMETRIC,
  /** Float query x the half-precision page copy: closest to the model's own float scores. */
  HALF;

  public static Scorer parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown scorer '" + value + "'; expected hamming, asymmetric or half", e);
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
