package dev.quire.evaluation.benchmark;

import dev.quire.evaluation.Evaluation;
import dev.quire.evaluation.Metric;
import java.nio.file.Path;

/**
 * How one variant did on one benchmark.
 *
 * @param variant what ran
 * @param evaluation the metrics per query and averaged
 * @param primary the benchmark's primary metric, averaged
 * @param search search latency per query, query encoding excluded
 * @param bytesPerPage the index bytes per page this variant reads
 * @param resumedQueries queries whose results came from the journal of an earlier run
 * @param runFile every query's ranked pages, in TREC form (BEIR JSON when an id has whitespace)
 */
public record VariantResult(
    Variant variant,
    Evaluation evaluation,
    double primary,
    Latency search,
    double bytesPerPage,
    int resumedQueries,
    Path runFile) {

  public double mean(Metric metric) {
    return evaluation.mean(metric);
  }
}
