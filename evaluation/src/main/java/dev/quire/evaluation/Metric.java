package dev.quire.evaluation;

import java.util.Locale;

/**
 * A measure at a cutoff, e.g. nDCG@5.
 *
 * @param measure what is measured
 * @param cutoff how many top-ranked documents count, at least 1
 */
public record Metric(Measure measure, int cutoff) {

  public Metric {
    if (measure == null) {
      throw new IllegalArgumentException("measure must not be null");
    }
    if (cutoff < 1) {
      throw new IllegalArgumentException("cutoff must be at least 1, got " + cutoff);
    }
  }

  /**
   * Parses {@code name@k}, case-insensitively, where name is a {@link Measure#label()} or constant
   * name: {@code ndcg@5}, {@code Recall@100}, {@code p@10}, {@code mrr@10}.
   */
  public static Metric parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0 || at == text.length() - 1) {
      throw new IllegalArgumentException("metric \"" + text + "\" is not of the form name@k, e.g. ndcg@5");
    }
    String name = text.substring(0, at).trim();
    Measure measure = null;
    for (Measure m : Measure.values()) {
      if (m.label().equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)) {
        measure = m;
      }
    }
    if (measure == null) {
      throw new IllegalArgumentException(
          "metric \"" + text + "\": unknown measure \"" + name + "\"; known: nDCG, MAP, Recall, P, MRR");
    }
    int k;
    try {
      k = Integer.parseInt(text.substring(at + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("metric \"" + text + "\": cutoff is not an integer", e);
    }
    return new Metric(measure, k);
  }

  /** E.g. {@code nDCG@5}. */
  @Override
  public String toString() {
    return measure.label() + "@" + cutoff;
  }

  /** Lower-case key for files and flags, e.g. {@code ndcg@5}. */
  public String key() {
    return toString().toLowerCase(Locale.ROOT);
  }
}
