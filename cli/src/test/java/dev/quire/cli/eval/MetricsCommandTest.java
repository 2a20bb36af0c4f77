package dev.quire.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire eval metrics} on a run and qrels checked by hand (src/test/resources/cli). Only q1
 * and q2 are scored: q4 has no judgments, q3 is not in the run.
 *
 * <pre>
 * q1: d2 (rel 1), d1 (rel 2), d4 (unjudged); relevant d1, d2; ideal gains 2, 1
 *     nDCG@1 = 1/2; nDCG@3 = (1 + 2/log2 3) / (2 + 1/log2 3); P@3 = 2/3; MRR@3 = 1; MAP@3 = (1 + 1)/2
 * q2: d4 (unjudged), d3 (rel 1)
 *     nDCG@1 = 0;   nDCG@3 = 1/log2 3;                        P@3 = 1/3; MRR@3 = 1/2; MAP@3 = 1/2
 * </pre>
 */
class MetricsCommandTest {

  private static final String EXPECTED_MEANS = String.join("\n",
      line("num_q", "all", "2"),
      line("ndcg_at_1", "all", "0.2500"),
      line("ndcg_at_3", "all", "0.7453"),
      line("precision_at_3", "all", "0.5000"),
      line("mrr_at_3", "all", "0.7500"),
      line("map_at_3", "all", "0.7500"),
      line("recall_at_3", "all", "1.0000")) + "\n";

  private static final String METRICS = "ndcg@1,ndcg@3,p@3,mrr@3,map@3,recall@3";

  static Path fixture(String name) {
    try {
      return Path.of(MetricsCommandTest.class.getResource("/eval/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String line(String metric, String query, String value) {
    return String.format("%-20s\t%s\t%s", metric, query, value);
  }

  record Result(int code, String out, String err) {}

  static Result eval(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = EvalCommand.run(new PrintWriter(out), new PrintWriter(err), EncoderLoader.NONE, args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void aTrecRunIsScoredAgainstTrecQrelsLikeTrecEval() {
    Result result = eval("metrics", "--run", fixture("small.run").toString(),
        "--qrels", fixture("small.qrels").toString(), "-m", METRICS);
    assertThat(result.code()).isZero();
    assertThat(result.out()).isEqualTo(EXPECTED_MEANS);
    assertThat(result.err())
        .contains("1 queries of the run have no judgments and are not scored, as in pytrec_eval (first: q4)")
        .contains("1 judged queries are not in the run and are not scored, as in pytrec_eval (first: q3)");
  }

  @Test
  void theBeirJsonRunAndTsvQrelsGiveTheSameNumbers() {
    Result result = eval("metrics", "--run", fixture("small.run.json").toString(),
        "--qrels", fixture("small.qrels.tsv").toString(), "-m", METRICS);
    assertThat(result.code()).isZero();
    assertThat(result.out()).isEqualTo(EXPECTED_MEANS);
  }

  @Test
  void perQueryValuesComeBeforeTheMeansWithMoreDecimals() {
    Result result = eval("metrics", "--run", fixture("small.run").toString(),
        "--qrels", fixture("small.qrels").toString(), "-m", "ndcg_at_3", "--per-query", "--decimals", "6");
    assertThat(result.out().lines().toList()).containsExactly(
        line("num_q", "all", "2"),
        line("ndcg_at_3", "q1", "0.859719"),
        line("ndcg_at_3", "q2", "0.630930"),
        line("ndcg_at_3", "all", "0.745324"));
  }

  @Test
  void withoutMetricsEveryMeasureIsPrintedAtEveryCutoff() {
    Result result = eval("metrics", "--run", fixture("small.run").toString(),
        "--qrels", fixture("small.qrels").toString(), "--cutoffs", "1,3");
    List<String> names = result.out().lines().map(l -> l.split("\t")[0].strip()).toList();
    assertThat(names).containsExactly("num_q", "ndcg_at_1", "ndcg_at_3", "map_at_1", "map_at_3", "recall_at_1",
        "recall_at_3", "precision_at_1", "precision_at_3", "mrr_at_1", "mrr_at_3");
  }

  @Test
  void aBadRunLineIsQuotedWithItsFileAndLineNumber(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("bad.run");
    Files.writeString(run, "q1 Q0 d2 1 3.0 sys\nq1 Q0 d1 two 2.0 sys\n");
    Result result = eval("metrics", "--run", run.toString(), "--qrels", fixture("small.qrels").toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().strip()).isEqualTo("quire eval: error: " + run
        + ":2: rank \"two\" is not an integer: \"q1 Q0 d1 two 2.0 sys\"");
  }

  @Test
  void aBadQrelsLineIsQuotedWithItsFileAndLineNumber(@TempDir Path dir) throws IOException {
    Path qrels = dir.resolve("bad.qrels");
    Files.writeString(qrels, "q1 0 d1 2\n\nq1 0 d2 high\n");
    Result result = eval("metrics", "--run", fixture("small.run").toString(), "--qrels", qrels.toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err().strip()).isEqualTo("quire eval: error: " + qrels
        + ":3: relevance \"high\" is not an integer: \"q1 0 d2 high\"");
  }

  @Test
  void aMalformedJsonRunNamesTheFileAndLine(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("bad.json");
    Files.writeString(run, "{\n  \"q1\": {\"d1\": \"high\"}\n}\n");
    Result result = eval("metrics", "--run", run.toString(), "--qrels", fixture("small.qrels").toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains(run + ":2: score of document \"d1\" is not a number");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nowhere.run");
    Result result = eval("metrics", "--run", missing.toString(), "--qrels", fixture("small.qrels").toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("quire eval: error: " + missing + ": no such file");
  }

  @Test
  void runAndQrelsThatShareNoQueryAreRefused(@TempDir Path dir) throws IOException {
    Path qrels = dir.resolve("other.qrels");
    Files.writeString(qrels, "x1 0 d1 1\n");
    Result result = eval("metrics", "--run", fixture("small.run").toString(), "--qrels", qrels.toString());
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("no query of the run is judged in the qrels");
  }

  @Test
  void anUnknownMetricIsABadArgument() {
    Result result = eval("metrics", "--run", fixture("small.run").toString(),
        "--qrels", fixture("small.qrels").toString(), "-m", "bleu@4");
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).contains("unknown measure \"bleu\"");
  }
}
