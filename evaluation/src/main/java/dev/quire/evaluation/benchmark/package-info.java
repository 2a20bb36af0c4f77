/**
 * Benchmark runs through the engine: {@link dev.quire.evaluation.benchmark.BenchmarkRunner} indexes
 * a {@link dev.quire.evaluation.benchmark.Benchmark} (a ViDoRe folder or the built-in synthetic
 * corpus), searches its queries under each {@link dev.quire.evaluation.benchmark.Variant} of the
 * ablation (BM25; float, binary and asymmetric MaxSim over every page; phased Hamming then float
 * ranking; the engine's default pipeline), resumes from a journal of finished searches, and
 * scores the runs; {@link dev.quire.evaluation.benchmark.ReportWriter} writes report.json,
 * report.md and the plots; {@link dev.quire.evaluation.benchmark.Expectations} checks committed
 * numbers the way Anserini checks its regressions.
 */
package dev.quire.evaluation.benchmark;
