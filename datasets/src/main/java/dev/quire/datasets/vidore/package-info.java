/**
 * ViDoRe benchmarks read from the Parquet files {@code huggingface-cli download --repo-type
 * dataset} leaves on disk: {@link dev.quire.datasets.vidore.EvalDataset#open} detects v1, v2 or
 * v3 and streams corpus pages, queries and qrels; {@link dev.quire.datasets.vidore.TrainingRows}
 * reads ViDoRe-train tables and BEIR folders for fine-tuning, leaving incomplete rows to the caller.
 * Parquet is read with parquet-java through its local-file API, never Hadoop's FileSystem (which
 * fails on JDK 23+).
 */
package dev.quire.datasets.vidore;
