package dev.quire.evaluation.benchmark;

import dev.quire.evaluation.MetricsConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * How an evaluation runs.
 *
 * @param outputDirectory report.json, report.md, the plots, the run files and the journal of
 *     finished queries (a run resumes from it)
 * @param cacheDirectory indexes (one per corpus, page text and model) and generated corpora, kept
 *     between runs so a second run only searches
 * @param k results per query; 100 so every cutoff of the metrics is covered
 * @param depth the phased variants reorder {@code ceil(depth x ratio)} pages by float MaxSim
 * @param ratios the pre-filter ratios of the phased variants
 * @param queriesLimit the first this-many queries of each benchmark; 0 for all
 * @param warmupQueries searches run, and not timed, before each variant's timed searches, so the
 *     latencies are those of compiled code
 * @param fresh forget the results of earlier runs instead of resuming
 * @param variants the variants to run by name; empty for all
 * @param metrics the cutoffs and relevance level of the metrics
 */
public record EvalSettings(
    Path outputDirectory,
    Path cacheDirectory,
    int k,
    int depth,
    List<Double> ratios,
    int queriesLimit,
    int warmupQueries,
    boolean fresh,
    List<String> variants,
    MetricsConfig metrics) {

  public EvalSettings {
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be positive, got " + depth);
    }
    for (double ratio : ratios) {
      if (!(ratio > 0 && ratio <= 1)) {
        throw new IllegalArgumentException("pre-filter ratios must be in (0, 1], got " + ratio);
      }
    }
    if (queriesLimit < 0) {
      throw new IllegalArgumentException("queries limit must not be negative, got " + queriesLimit);
    }
    if (warmupQueries < 0) {
      throw new IllegalArgumentException("warm-up queries must not be negative, got " + warmupQueries);
    }
    ratios = List.copyOf(ratios);
    variants = List.copyOf(variants);
  }

  /** k 100, depth 100, ratios 0.1, 0.2, 0.5 (reordering 10, 20, 50 pages), 10 warm-up queries. */
  public static EvalSettings defaults(Path outputDirectory, Path cacheDirectory) {
    return new EvalSettings(outputDirectory, cacheDirectory, 100, 100, List.of(0.1, 0.2, 0.5), 0, 10, false,
        List.of(), MetricsConfig.DEFAULT);
  }
}
