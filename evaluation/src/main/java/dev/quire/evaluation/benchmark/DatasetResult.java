package dev.quire.evaluation.benchmark;

import dev.quire.evaluation.Metric;
import dev.quire.index.IndexStats;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One benchmark's results.
 *
 * @param name the benchmark's name
 * @param kind e.g. {@code ViDoRe v2}
 * @param source where it came from
 * @param pageText where the BM25 text came from
 * @param primaryMetric the leaderboard's main score
 * @param queries queries searched (after {@code --queries-limit})
 * @param index the index searched and what building it did
 * @param encode query encoding latency (empty without a model)
 * @param variants in run order
 * @param expectations the committed expectations of the benchmark, if any
 * @param qrelsFile the judgments as a TREC qrels file beside the run files
 * @param notes what the reader should know
 */
public record DatasetResult(
    String name,
    String kind,
    String source,
    String pageText,
    Metric primaryMetric,
    int queries,
    IndexSummary index,
    Optional<Latency> encode,
    List<VariantResult> variants,
    Optional<Expectations.Committed> expectations,
    Path qrelsFile,
    List<String> notes) {

  public DatasetResult {
    variants = List.copyOf(variants);
    notes = List.copyOf(notes);
  }

  public Optional<VariantResult> variant(String variantName) {
    return variants.stream().filter(v -> v.variant().name().equals(variantName)).findFirst();
  }

  /**
   * The index a benchmark was searched in.
   *
   * @param directory where it is
   * @param pagesIndexed pages written by this run (0 when an earlier run's index was reused whole)
   * @param documentsUnchanged documents already in the index with the same content
   * @param pagesSkipped pages that could not be indexed, each with its reason
   * @param seconds time spent indexing in this run
   * @param stats sizes of the stores, per page
   */
  public record IndexSummary(
      Path directory,
      int pagesIndexed,
      int documentsUnchanged,
      List<String> pagesSkipped,
      double seconds,
      IndexStats stats) {

    public IndexSummary {
      pagesSkipped = List.copyOf(pagesSkipped);
    }
  }
}
