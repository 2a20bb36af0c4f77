package dev.quire.evaluation;

import dev.quire.datasets.Qrels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metrics against pytrec_eval's own output, written by tools/reference/eval_fixtures.py (random
 * seeded cases plus the trec_eval corner cases: ties, single-precision ties, signed zero, UTF-8
 * order, negative and graded relevance, unjudged and unretrieved queries, short runs).
 */
class PytrecEvalGoldenTest {

  private static final double TOLERANCE = 1e-9;

  static Stream<JsonNode> cases() throws IOException {
    List<JsonNode> cases = new ArrayList<>();
    golden().get("cases").forEach(cases::add);
    return cases.stream();
  }

  private static JsonNode golden() throws IOException {
    try (InputStream in = PytrecEvalGoldenTest.class.getResourceAsStream("/metrics/pytrec_eval_golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void perQueryValuesAndMeansMatchPytrecEval(JsonNode testCase) {
    MetricsConfig config = MetricsConfig.DEFAULT.withRelevanceLevel(testCase.get("relevance_level").asInt());
    Evaluation evaluation = new Metrics(config).evaluate(qrels(testCase.get("qrels")), run(testCase.get("run")));

    JsonNode expected = testCase.get("expected");
    assertThat(evaluation.perQuery().keySet()).containsExactlyInAnyOrderElementsOf(names(expected));
    for (Map.Entry<String, JsonNode> query : expected.properties()) {
      for (Metric metric : new Metrics(config).metrics()) {
        assertThat(evaluation.value(query.getKey(), metric))
            .as("%s %s", query.getKey(), metric)
            .isCloseTo(expectedValue(query.getValue(), metric), within(TOLERANCE));
      }
    }
    JsonNode expectedMean = testCase.get("expected_mean");
    for (Metric metric : new Metrics(config).metrics()) {
      if (metric.measure() != Measure.MRR) {
        assertThat(evaluation.mean(metric)).as("mean %s", metric)
            .isCloseTo(expectedMean.get(trecName(metric)).asDouble(), within(TOLERANCE));
      }
    }
  }

  @Test
  void goldenFileCoversTheTieRules() throws IOException {
    JsonNode ties = golden().get("cases").get(0).get("expected");
    assertThat(ties.get("tie").get("recip_rank").asDouble()).isEqualTo(0.5);
    assertThat(ties.get("float_tie").get("recip_rank").asDouble()).isEqualTo(0.5);
    assertThat(ties.get("utf8_order").get("recip_rank").asDouble()).isEqualTo(1.0);
  }

  /** pytrec_eval's key for a metric; MRR@k is derived from recip_rank below. */
  private static String trecName(Metric metric) {
    return switch (metric.measure()) {
      case NDCG -> "ndcg_cut_" + metric.cutoff();
      case MAP -> "map_cut_" + metric.cutoff();
      case RECALL -> "recall_" + metric.cutoff();
      case PRECISION -> "P_" + metric.cutoff();
      case MRR -> "recip_rank";
    };
  }

  private static double expectedValue(JsonNode values, Metric metric) {
    double value = values.get(trecName(metric)).asDouble();
    if (metric.measure() == Measure.MRR) {
      // recip_rank is 1/r for the first relevant rank r; MRR@k keeps it when r <= k.
      return value > 0 && Math.round(1 / value) <= metric.cutoff() ? value : 0;
    }
    return value;
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static Qrels qrels(JsonNode node) {
    Qrels.Builder qrels = Qrels.builder();
    node.properties().forEach(q -> {
      qrels.addQuery(q.getKey());
      q.getValue().properties().forEach(d -> qrels.add(q.getKey(), d.getKey(), d.getValue().asInt()));
    });
    return qrels.build();
  }

  static Run run(JsonNode node) {
    Run.Builder run = Run.builder();
    node.properties().forEach(q -> {
      run.addQuery(q.getKey());
      q.getValue().properties().forEach(d -> run.add(q.getKey(), d.getKey(), d.getValue().asDouble()));
    });
    return run.build();
  }
}
