package dev.quire.evaluation;

/** The measures {@link Metrics} computes, each at every cutoff of its {@link MetricsConfig}. */
public enum Measure {
  /** trec_eval {@code ndcg_cut}: graded gain (the relevance), log2 discount, ideal from the qrels. */
  NDCG("nDCG", "ndcg"),
  /** trec_eval {@code map_cut}: average precision over the top k, divided by all relevant docs. */
  MAP("MAP", "map"),
  /** trec_eval {@code recall}: relevant in the top k over all relevant docs. */
  RECALL("Recall", "recall"),
  /** trec_eval {@code P}: relevant in the top k over k (missing ranks count as non-relevant). */
  PRECISION("P", "precision"),
  /**
   * trec_eval {@code recip_rank} (1 / rank of the first relevant doc) counted only when that rank is
   * at most k, else 0. trec_eval has no cut for it; BEIR and MTEB compute this MRR@k in Python over
   * the same ranking, except that they compare scores as doubles rather than C floats, count a
   * document as relevant when its relevance is above 0 (here: at least the relevance level, the
   * same at the default level 1), and older versions kept insertion order for tied scores (MTEB now
   * breaks ties by document id descending, as trec_eval does).
   */
  MRR("MRR", "mrr");

  private final String label;
  private final String mtebPrefix;

  Measure(String label, String mtebPrefix) {
    this.label = label;
    this.mtebPrefix = mtebPrefix;
  }

  /** The usual short name, e.g. {@code nDCG}. */
  public String label() {
    return label;
  }

  /** The prefix of MTEB's names, e.g. {@code ndcg} in {@code ndcg_at_10}. */
  public String mtebPrefix() {
    return mtebPrefix;
  }
}
