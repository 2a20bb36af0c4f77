package dev.quire.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.cli.eval.EvalCommandTest.Result;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire eval --builtin synthetic} on a fresh cache: generates the corpus, indexes it, prints
 * the table and checks every committed expectation (regression/synthetic.json) to its tolerance.
 */
class BuiltinSyntheticTest {

  @Test
  void theBuiltinBenchmarkMeetsItsCommittedExpectations(@TempDir Path dir) {
    Result result = EvalCommandTest.eval(EncoderLoader.NONE, "--builtin", "synthetic",
        "--out", dir.resolve("out").toString(), "--cache", dir.resolve("cache").toString(), "--quiet", "--warmup", "0");

    assertThat(result.code()).as(result.err()).isZero();
    List<String> checks = result.out().lines().filter(l -> l.startsWith("[")).toList();
    assertThat(checks).containsExactly(
        "[OK]   synthetic pages: 80",
        "[OK]   synthetic queries: 139",
        "[OK]   synthetic bm25 nDCG@10: 0.9678",
        "[OK]   synthetic bm25 nDCG@5: 0.9678",
        "[OK]   synthetic bm25 MRR@10: 0.9640",
        "[OK]   synthetic bm25 MAP@100: 0.9640",
        "[OK]   synthetic bm25 P@1: 0.9496",
        "[OK]   synthetic bm25 Recall@10: 0.9784",
        "[OK]   synthetic bm25 Recall@100: 0.9784",
        "[SKIP] synthetic dense: did not run",
        "[SKIP] synthetic bm25-dense: did not run",
        "[SKIP] synthetic bm25-dense-rrf: did not run");
    assertThat(result.out())
        .contains("synthetic (builtin synthetic): 139 queries, 80 pages; * = nDCG@10, scores x 100")
        .containsPattern("bm25 +text +96\\.78 +96\\.78 +96\\.40 +97\\.84 +97\\.84 ");
  }

  /**
   * With the shipped text model: the dense rows meet theirs, and the default hybrid (a convex
   * combination) is at least BM25 on nDCG@10 and Recall@100 (issue 28's bar for the synthetic corpus).
   */
  @Test
  void theDenseRowsMeetTheirsAndHybridIsAtLeastBm25(@TempDir Path dir) throws Exception {
    Result result = EvalCommandTest.eval(EncoderLoader.NONE, "--builtin", "synthetic", "--text-model", "bge-small",
        "--out", dir.resolve("out").toString(), "--cache", dir.resolve("cache").toString(), "--quiet", "--warmup", "0");

    assertThat(result.code()).as(result.out() + result.err()).isZero();
    List<String> checks = result.out().lines().filter(l -> l.startsWith("[")).toList();
    assertThat(checks).hasSize(30).allSatisfy(line -> assertThat(line).startsWith("[OK]"));
    com.fasterxml.jackson.databind.JsonNode report =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("out/report.json").toFile());
    com.fasterxml.jackson.databind.JsonNode bm25 = null;
    com.fasterxml.jackson.databind.JsonNode hybrid = null;
    for (com.fasterxml.jackson.databind.JsonNode variant : report.at("/datasets/0/variants")) {
      if (variant.path("name").asText().equals("bm25")) {
        bm25 = variant.path("metrics");
      } else if (variant.path("name").asText().equals("bm25-dense")) {
        hybrid = variant.path("metrics");
      }
    }
    assertThat(hybrid.path("ndcg_at_10").asDouble()).isGreaterThanOrEqualTo(bm25.path("ndcg_at_10").asDouble());
    assertThat(hybrid.path("recall_at_100").asDouble()).isGreaterThanOrEqualTo(bm25.path("recall_at_100").asDouble());
  }
}
