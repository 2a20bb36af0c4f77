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
        "[OK]   synthetic bm25 Recall@100: 0.9784");
    assertThat(result.out())
        .contains("synthetic (builtin synthetic): 139 queries, 80 pages; * = nDCG@10, scores x 100")
        .containsPattern("bm25 +text +96\\.78 +96\\.78 +96\\.40 +97\\.84 +97\\.84 ");
  }
}
