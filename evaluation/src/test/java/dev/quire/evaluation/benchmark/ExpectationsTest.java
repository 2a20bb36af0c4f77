package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.evaluation.Evaluation;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.evaluation.Metrics;
import dev.quire.evaluation.MetricsConfig;
import dev.quire.datasets.Qrels;
import dev.quire.evaluation.Run;
import dev.quire.index.IndexStats;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Anserini-style checks: exact index statistics, metrics to a tolerance, skips said with a reason. */
class ExpectationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EvalSettings SETTINGS = EvalSettings.defaults(Path.of("out"), Path.of("cache"));
  private static final Optional<Expectations.Committed> COMMITTED =
      Optional.of(new Expectations.Committed("x", Optional.empty()));

  /** Two queries, one found first, one not found: nDCG@10 = 0.5, Recall@100 = 0.5. */
  private static DatasetResult result(Optional<Expectations.Committed> expectations) {
    Qrels qrels = Qrels.builder().add("q1", "p1", 1).add("q2", "p2", 1).build();
    Run run = Run.builder().add("q1", "p1", 2.0).add("q1", "p3", 1.0).add("q2", "p3", 1.0).build();
    Evaluation evaluation = new Metrics(MetricsConfig.DEFAULT).evaluate(qrels, run);
    Variant bm25 = Variant.ablations(100, 100, List.of(), false).getFirst();
    VariantResult variant = new VariantResult(bm25, evaluation, evaluation.mean(new Metric(Measure.NDCG, 10)),
        Latency.NONE, 900, 0, Path.of("runs/bm25.trec"));
    IndexStats.StoreSize none = new IndexStats.StoreSize(0, 0);
    IndexStats stats = new IndexStats(3, 3, 0, 0, Optional.empty(), none, none, none,
        new IndexStats.StoreSize(2700, 900), none, none, 0, 2700);
    return new DatasetResult("synthetic", "builtin synthetic", "generated", "text layer", new Metric(Measure.NDCG, 10),
        2, new DatasetResult.IndexSummary(Path.of("index"), 3, 0, List.of(), 1.0, stats), Optional.empty(),
        List.of(variant), expectations, Path.of("runs/qrels.trec"), List.of());
  }

  private static JsonNode expected(String variants, int pages) throws IOException {
    return JSON.readTree("{\"settings\": {\"k\": 100}, \"index\": {\"pages\": " + pages + ", \"queries\": 2},"
        + " \"tolerance\": 1e-9, \"variants\": " + variants + "}");
  }

  @Test
  void aVariantMayHoldItsOwnTolerance() throws IOException {
    List<ExpectationCheck> checks = Expectations.check(result(COMMITTED), SETTINGS,
        expected("{\"bm25\": {\"tolerance\": 0.01, \"ndcg_at_10\": 0.505, \"recall_at_100\": 0.52}}", 3));
    assertThat(checks).extracting(ExpectationCheck::line).containsExactly(
        "[OK]   synthetic pages: 3",
        "[OK]   synthetic queries: 2",
        "[OK]   synthetic bm25 nDCG@10: 0.5000",
        "[FAIL] synthetic bm25 Recall@100: expected 0.5200, got 0.5000 (tolerance 0.01)");
  }

  @Test
  void eachNumberGetsOneOkOrFailLine() throws IOException {
    List<ExpectationCheck> checks = Expectations.check(result(COMMITTED), SETTINGS,
        expected("{\"bm25\": {\"ndcg_at_10\": 0.5, \"recall_at_100\": 0.5000001}, \"hamming\": {\"ndcg_at_10\": 0.7}}", 4));
    assertThat(checks).extracting(ExpectationCheck::line).containsExactly(
        "[FAIL] synthetic pages: expected 4, got 3 (index statistics must match exactly)",
        "[OK]   synthetic queries: 2",
        "[OK]   synthetic bm25 nDCG@10: 0.5000",
        "[FAIL] synthetic bm25 Recall@100: expected 0.5000, got 0.5000 (tolerance 1.0E-9)",
        "[SKIP] synthetic hamming: did not run");
  }

  @Test
  void aRunWithOtherSettingsIsSkippedNotFailed() throws IOException {
    EvalSettings limited = new EvalSettings(Path.of("out"), Path.of("cache"), 100, 100, List.of(), 10, 0, false,
        List.of(), MetricsConfig.DEFAULT);
    assertThat(Expectations.check(result(COMMITTED), limited, expected("{}", 3)))
        .extracting(ExpectationCheck::line)
        .containsExactly("[SKIP] synthetic expectations: they hold for k=100 and every query, this run has k=100"
            + " and --queries-limit 10");

    EvalReport report = new EvalReport("quire eval", Instant.EPOCH, 1, Map.of(), Optional.empty(), SETTINGS,
        List.of(result(Optional.of(new Expectations.Committed("synthetic",
            Optional.of(SyntheticBenchmark.OTHER_SETTINGS))))), List.of());
    assertThat(Expectations.check(report)).extracting(ExpectationCheck::line).containsExactly(
        "[SKIP] synthetic expectations: committed for 40 documents, seed 42 and no OCR only");
    assertThat(report.withChecks(Expectations.check(report)).expectationsMet()).isTrue();
  }

  @Test
  void theCommittedFileIsForTheDefaultSyntheticSettings() {
    JsonNode committed = Expectations.load("synthetic");
    assertThat(committed.at("/settings/documents").asInt()).isEqualTo(SyntheticBenchmark.DEFAULT_DOCUMENTS);
    assertThat(committed.at("/settings/seed").asLong()).isEqualTo(SyntheticBenchmark.DEFAULT_SEED);
    assertThat(committed.at("/settings/ocr").asBoolean()).isFalse();
    assertThat(committed.at("/settings/k").asInt()).isEqualTo(SETTINGS.k());
    assertThat(committed.at("/tolerance").asDouble()).isEqualTo(1e-9);
    assertThat(committed.at("/log")).isNotEmpty();
  }
}
