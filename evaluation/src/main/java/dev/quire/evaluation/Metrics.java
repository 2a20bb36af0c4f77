package dev.quire.evaluation;

import dev.quire.datasets.Qrels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrieval metrics computed exactly as trec_eval 9 computes them inside pytrec_eval
 * ({@code ndcg_cut}, {@code map_cut}, {@code recall}, {@code P}, and {@code recip_rank} cut at k),
 * proven against pytrec_eval's own output by golden files.
 *
 * <p>The behaviour in the corner cases is trec_eval's: results are ranked by score descending as
 * C floats, ties broken by document id descending (byte order), and any given rank is ignored;
 * documents absent from the qrels are non-relevant; negative judgments count neither as relevant
 * nor towards the ideal ranking; a cutoff beyond the run's length counts the missing ranks as
 * non-relevant; a query with no relevant document scores 0 everywhere; only queries present in both
 * the run and the qrels are evaluated and averaged (pytrec_eval and BEIR), and the mean is the plain
 * arithmetic mean over them.
 */
public final class Metrics {

  /** A retrieved document not in the qrels (trec_eval's RELVALUE_NONPOOL). */
  private static final int NOT_JUDGED = -1;
  /** A retrieved document judged with a negative value (trec_eval's RELVALUE_UNJUDGED). */
  private static final int NEGATIVE = -2;

  private final MetricsConfig config;
  private final int[] cutoffs;
  private final List<Metric> metrics;

  public Metrics(MetricsConfig config) {
    this.config = config;
    this.cutoffs = config.cutoffs().stream().mapToInt(Integer::intValue).toArray();
    List<Metric> all = new ArrayList<>();
    for (Measure measure : Measure.values()) {
      for (int k : cutoffs) {
        all.add(new Metric(measure, k));
      }
    }
    this.metrics = List.copyOf(all);
  }

  public MetricsConfig config() {
    return config;
  }

  /** Every metric this instance computes, measure by measure, cutoffs increasing. */
  public List<Metric> metrics() {
    return metrics;
  }

  /**
   * Evaluates a run against qrels.
   *
   * @throws IllegalArgumentException if no query of the run has judgments (almost always ids that
   *     do not match, e.g. a run from another dataset)
   */
  public Evaluation evaluate(Qrels qrels, Run run) {
    Map<String, Map<Metric, Double>> perQuery = new LinkedHashMap<>();
    List<String> unjudged = new ArrayList<>();
    for (String queryId : run.queryIds()) {
      Map<String, Integer> judgments = qrels.judgments(queryId);
      if (judgments.isEmpty()) {
        unjudged.add(queryId);
      } else {
        perQuery.put(queryId, evaluateQuery(judgments, run.ranking(queryId)));
      }
    }
    List<String> unretrieved = new ArrayList<>();
    for (String queryId : qrels.queryIds()) {
      if (!run.contains(queryId) && !qrels.judgments(queryId).isEmpty()) {
        unretrieved.add(queryId);
      }
    }
    if (perQuery.isEmpty()) {
      throw new IllegalArgumentException(
          "no query of the run is judged in the qrels: run has " + run.size() + " queries "
              + sample(run.queryIds()) + ", qrels " + qrels.size() + " " + sample(qrels.queryIds()));
    }
    Map<Metric, Double> mean = new LinkedHashMap<>();
    for (Metric metric : metrics) {
      double sum = 0;
      for (Map<Metric, Double> values : perQuery.values()) {
        sum += values.get(metric);
      }
      mean.put(metric, sum / perQuery.size());
    }
    return new Evaluation(config, perQuery, mean, unjudged, unretrieved);
  }

  /**
   * Evaluates one query.
   *
   * @param judgments document id to relevance (the query's qrels)
   * @param ranking the retrieved documents in {@link ScoredDoc#TREC_ORDER}, as from {@link
   *     Run#ranking(String)}
   * @return every metric of {@link #metrics()}
   */
  public Map<Metric, Double> evaluateQuery(Map<String, Integer> judgments, List<ScoredDoc> ranking) {
    int[] rels = new int[ranking.size()];
    for (int i = 0; i < rels.length; i++) {
      Integer rel = judgments.get(ranking.get(i).docId());
      rels[i] = rel == null ? NOT_JUDGED : rel < 0 ? NEGATIVE : rel;
    }
    int level = config.relevanceLevel();
    int relevantJudged = 0;
    for (int rel : judgments.values()) {
      if (rel >= level) {
        relevantJudged++;
      }
    }
    double[] idealGains = idealGains(judgments);

    Map<Metric, Double> values = new LinkedHashMap<>();
    for (int k : cutoffs) {
      values.put(new Metric(Measure.NDCG, k), ndcg(rels, idealGains, k));
    }
    for (int k : cutoffs) {
      values.put(new Metric(Measure.MAP, k), averagePrecision(rels, relevantJudged, level, k));
    }
    for (int k : cutoffs) {
      double recall = relevantJudged == 0 ? 0 : (double) relevantIn(rels, level, k) / relevantJudged;
      values.put(new Metric(Measure.RECALL, k), recall);
    }
    for (int k : cutoffs) {
      values.put(new Metric(Measure.PRECISION, k), (double) relevantIn(rels, level, k) / k);
    }
    int first = firstRelevantRank(rels, level);
    for (int k : cutoffs) {
      values.put(new Metric(Measure.MRR, k), first > 0 && first <= k ? 1.0 / first : 0.0);
    }
    return values;
  }

  /** Positive judgments sorted descending: the gains of the ideal ranking. */
  private static double[] idealGains(Map<String, Integer> judgments) {
    return judgments.values().stream()
        .filter(rel -> rel > 0)
        .sorted((a, b) -> Integer.compare(b, a))
        .mapToDouble(Integer::doubleValue)
        .toArray();
  }

  private static double ndcg(int[] rels, double[] idealGains, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, rels.length); i++) {
      if (rels[i] > 0) {
        dcg += rels[i] / log2(i + 2);
      }
    }
    double ideal = 0;
    for (int i = 0; i < Math.min(k, idealGains.length); i++) {
      ideal += idealGains[i] / log2(i + 2);
    }
    // trec_eval leaves the DCG undivided when the ideal is 0; it is then 0 too.
    return ideal > 0 ? dcg / ideal : dcg;
  }

  private static double averagePrecision(int[] rels, int relevantJudged, int level, int k) {
    if (relevantJudged == 0) {
      return 0;
    }
    double sum = 0;
    int found = 0;
    for (int i = 0; i < Math.min(k, rels.length); i++) {
      if (rels[i] >= level) {
        found++;
        sum += (double) found / (i + 1);
      }
    }
    return sum / relevantJudged;
  }

  private static int relevantIn(int[] rels, int level, int k) {
    int count = 0;
    for (int i = 0; i < Math.min(k, rels.length); i++) {
      if (rels[i] >= level) {
        count++;
      }
    }
    return count;
  }

  /** 1-based rank of the first relevant document, 0 if none. */
  private static int firstRelevantRank(int[] rels, int level) {
    for (int i = 0; i < rels.length; i++) {
      if (rels[i] >= level) {
        return i + 1;
      }
    }
    return 0;
  }

  private static double log2(int x) {
    return Math.log(x) / Math.log(2);
  }

  private static String sample(Iterable<String> ids) {
    List<String> first = new ArrayList<>();
    for (String id : ids) {
      if (first.size() == 3) {
        first.add("...");
        break;
      }
      first.add('"' + id + '"');
    }
    return first.toString();
  }
}
