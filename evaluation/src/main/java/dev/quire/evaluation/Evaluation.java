package dev.quire.evaluation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link Metrics#evaluate}: values per query and their means.
 *
 * @param config what was computed
 * @param perQuery for each evaluated query (in run order), every metric; a query is evaluated when
 *     it is in both the run and the qrels with at least one judgment, as in pytrec_eval
 * @param mean the arithmetic mean of each metric over the evaluated queries (what BEIR and MTEB
 *     report, before their rounding to 5 decimals)
 * @param unjudgedQueries run queries absent from the qrels (not evaluated)
 * @param unretrievedQueries judged queries absent from the run (not evaluated, as in pytrec_eval;
 *     trec_eval -c would count them as 0)
 */
public record Evaluation(
    MetricsConfig config,
    Map<String, Map<Metric, Double>> perQuery,
    Map<Metric, Double> mean,
    List<String> unjudgedQueries,
    List<String> unretrievedQueries) {

  public Evaluation {
    perQuery = Collections.unmodifiableMap(new LinkedHashMap<>(perQuery));
    mean = Collections.unmodifiableMap(new LinkedHashMap<>(mean));
    unjudgedQueries = List.copyOf(unjudgedQueries);
    unretrievedQueries = List.copyOf(unretrievedQueries);
  }

  /** The mean of one metric. */
  public double mean(Metric metric) {
    Double value = mean.get(metric);
    if (value == null) {
      throw new IllegalArgumentException(metric + " was not computed; cutoffs are " + config.cutoffs());
    }
    return value;
  }

  /** One query's value of one metric. */
  public double value(String queryId, Metric metric) {
    Map<Metric, Double> values = perQuery.get(queryId);
    if (values == null) {
      throw new IllegalArgumentException("query " + queryId + " was not evaluated");
    }
    Double value = values.get(metric);
    if (value == null) {
      throw new IllegalArgumentException(metric + " was not computed; cutoffs are " + config.cutoffs());
    }
    return value;
  }

  /** Number of evaluated queries. */
  public int queryCount() {
    return perQuery.size();
  }
}
