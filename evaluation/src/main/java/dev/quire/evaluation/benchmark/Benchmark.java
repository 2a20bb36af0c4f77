package dev.quire.evaluation.benchmark;

import dev.quire.Quire;
import dev.quire.datasets.ReaderConfig;
import dev.quire.evaluation.Metric;
import dev.quire.datasets.Qrels;
import dev.quire.datasets.vidore.EvalQuery;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What an evaluation runs on: pages to index, queries to ask, and which pages answer them. A ViDoRe
 * dataset ({@link ViDoReBenchmark}) or the built-in synthetic corpus ({@link SyntheticBenchmark}).
 */
public interface Benchmark extends AutoCloseable {

  /** Short name, unique within a run; names the run files, e.g. {@code docvqa_test_subsampled}. */
  String name();

  /** What kind of benchmark, e.g. {@code ViDoRe v3} or {@code builtin synthetic}. */
  String kind();

  /** Where it came from: a folder, or the generator and its settings. */
  String source();

  /** The score its leaderboard ranks by: nDCG@5 for ViDoRe v1 and v2, nDCG@10 for v3. */
  Metric primaryMetric();

  /** Where the page text BM25 sees comes from, as the report should say it. */
  String pageText();

  /**
   * Identifies the corpus and how its pages are read; the index built for it is reused while
   * this, and the model, stay the same.
   */
  String indexKey();

  /** How pages are read when they come from files (OCR or not). */
  ReaderConfig readerConfig();

  /** Feeds every corpus page to the index; unchanged pages of an earlier run are skipped. */
  IndexReport index(Quire quire, IndexListener listener) throws IOException;

  /** The queries, in benchmark order. */
  List<EvalQuery> queries() throws IOException;

  /** The judgments, keyed by query id and {@link #pageId page id}. */
  Qrels qrels() throws IOException;

  /** The id the qrels use for the page a search hit points at. */
  String pageId(SearchHit hit);

  /**
   * Names the cached index; benchmarks over the same corpus (one per kind of query) share one by
   * sharing this. The benchmark's name by default.
   */
  default String indexName() {
    return name();
  }

  /**
   * Lines for the report from rankings the engine did not make (a reference implementation over the
   * same pages, for instance), given the searched queries; none by default.
   */
  default List<String> referenceNotes(Quire quire, List<EvalQuery> queries, dev.quire.evaluation.Metrics metrics)
      throws IOException {
    return List.of();
  }

  /** The committed {@link Expectations} this benchmark has; none by default. */
  default Optional<Expectations.Committed> expectations() {
    return Optional.empty();
  }

  /** Releases what reading pages needs (an OCR engine); nothing by default. */
  @Override
  default void close() {}
}
