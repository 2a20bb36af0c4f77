package dev.quire.datasets.vidore;

/** The three on-disk layouts of the ViDoRe benchmarks. */
public enum DatasetVersion {
  /**
   * ViDoRe v1 (e.g. vidore/docvqa_test_subsampled): one table {@code data/<split>-*.parquet} of
   * question-answer rows (query, image, image_filename, answer, ...), one relevant page per query.
   */
  V1,
  /**
   * ViDoRe v2 (e.g. vidore/esg_reports_v2): BEIR layout, folders {@code corpus/}, {@code queries/},
   * {@code qrels/} with columns {@code corpus-id}, {@code query-id}, {@code score}.
   */
  V2,
  /**
   * ViDoRe v3 (vidore/vidore_v3_*): BEIR layout with {@code corpus_id} and {@code query_id}, a
   * {@code markdown} text per page and a {@code language} per query (each query in six languages).
   */
  V3
}
