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
   * name: {@code ndcg@5}, {@code Recall@100}, {@code p@10}, {@code mrr@10}; or an MTEB name such as
   * {@code ndcg_at_5} (see {@link #mtebName()}).
   */
  public static Metric parse(String text) {
    int mteb = text.indexOf("_at_");
    int at = mteb > 0 ? mteb : text.indexOf('@');
    int cut = mteb > 0 ? mteb + "_at_".length() : at + 1;
    if (at <= 0 || cut >= text.length()) {
      throw new IllegalArgumentException(
          "metric \"" + text + "\" is not of the form name@k or name_at_k, e.g. ndcg@5");
    }
    String name = text.substring(0, at).trim();
    Measure measure = null;
    for (Measure m : Measure.values()) {
      if (m.label().equalsIgnoreCase(name) || m.name().equalsIgnoreCase(name)
          || m.mtebPrefix().equalsIgnoreCase(name)) {
        measure = m;
      }
    }
    if (measure == null) {
      throw new IllegalArgumentException(
          "metric \"" + text + "\": unknown measure \"" + name + "\"; known: nDCG, MAP, Recall, P, MRR");
    }
    int k;
    try {
      k = Integer.parseInt(text.substring(cut).trim());
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

  /**
   * The name MTEB and the ViDoRe leaderboards give it, e.g. {@code ndcg_at_5}, {@code
   * precision_at_10}.
   */
  public String mtebName() {
    return measure.mtebPrefix() + "_at_" + cutoff;
  }

  /** Lower-case key for files and flags, e.g. {@code ndcg@5}. */
  public String key() {
    return toString().toLowerCase(Locale.ROOT);
  }
}
