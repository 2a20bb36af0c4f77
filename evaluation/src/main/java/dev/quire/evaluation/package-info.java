/**
 * Retrieval evaluation: {@link dev.quire.evaluation.Run}s scored against {@link
 * dev.quire.datasets.Qrels} by {@link dev.quire.evaluation.Metrics}, which reproduces trec_eval
 * (as run by pytrec_eval, BEIR and MTEB) to the last bit of its ranking rules.
 *
 * <pre>{@code
 * Evaluation evaluation = new Metrics(MetricsConfig.DEFAULT).evaluate(qrels, run);
 * double ndcg5 = evaluation.mean(Metric.parse("ndcg@5"));
 * }</pre>
 *
 * <p>Files: {@code format} reads and writes TREC and BEIR runs and qrels; {@code vidore} streams the
 * ViDoRe v1, v2 and v3 benchmarks from their Parquet files. {@code benchmark} runs them (and the
 * built-in synthetic corpus) through the engine with the ablations, and writes the reports; {@code
 * cli} is the {@code quire eval} command.
 */
package dev.quire.evaluation;
