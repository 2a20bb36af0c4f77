package dev.quire.evaluation;

import dev.quire.datasets.Qrels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checked values and the API's edges; the bulk of the proof is PytrecEvalGoldenTest. */
class MetricsTest {

  @Test
  void gradedNdcgOfASmallRankingMatchesAHandComputation() {
    Qrels qrels = Qrels.builder().add("q", "a", 3).add("q", "b", 2).add("q", "c", 0).add("q", "d", 1).build();
    Run run = Run.builder().add("q", "c", 0.9).add("q", "b", 0.8).add("q", "a", 0.7).build();
    Evaluation evaluation = new Metrics(MetricsConfig.DEFAULT).evaluate(qrels, run);

    double dcg3 = 0 + 2 / log2(3) + 3 / log2(4);
    double idcg3 = 3 + 2 / log2(3) + 1 / log2(4);
    assertThat(evaluation.value("q", Metric.parse("ndcg@3"))).isCloseTo(dcg3 / idcg3, within(1e-12));
    assertThat(evaluation.value("q", Metric.parse("p@5"))).isEqualTo(2 / 5.0);
    assertThat(evaluation.value("q", Metric.parse("recall@3"))).isEqualTo(2 / 3.0);
    assertThat(evaluation.value("q", Metric.parse("map@3"))).isCloseTo((1 / 2.0 + 2 / 3.0) / 3, within(1e-12));
    assertThat(evaluation.value("q", Metric.parse("mrr@1"))).isZero();
    assertThat(evaluation.value("q", Metric.parse("MRR@3"))).isEqualTo(0.5);
  }

  @Test
  void onlyQueriesInBothRunAndQrelsAreEvaluatedAndAveraged() {
    Qrels qrels = Qrels.builder().add("q1", "a", 1).add("q2", "a", 1).addQuery("q4").build();
    Run run = Run.builder().add("q1", "a", 1).add("q3", "a", 1).add("q4", "a", 1).build();
    Evaluation evaluation = new Metrics(MetricsConfig.DEFAULT).evaluate(qrels, run);
    assertThat(evaluation.perQuery()).containsOnlyKeys("q1");
    assertThat(evaluation.unjudgedQueries()).containsExactly("q3", "q4");
    assertThat(evaluation.unretrievedQueries()).containsExactly("q2");
    assertThat(evaluation.mean(Metric.parse("ndcg@10"))).isEqualTo(1.0);
  }

  @Test
  void aRunSharingNoQueryWithTheQrelsIsRefused() {
    Qrels qrels = Qrels.builder().add("Q1", "a", 1).build();
    Run run = Run.builder().add("q1", "a", 1).build();
    assertThatThrownBy(() -> new Metrics(MetricsConfig.DEFAULT).evaluate(qrels, run))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no query of the run is judged")
        .hasMessageContaining("\"q1\"").hasMessageContaining("\"Q1\"");
  }

  @Test
  void duplicateDocumentsAndNaNScoresAreRefused() {
    assertThatThrownBy(() -> Run.builder().add("q", "a", 1).add("q", "a", 2))
        .hasMessageContaining("document a is listed twice");
    assertThatThrownBy(() -> Run.builder().add("q", "a", Double.NaN)).hasMessageContaining("NaN");
    assertThatThrownBy(() -> Qrels.builder().add("q", "a", 1).add("q", "a", 0))
        .hasMessageContaining("judged twice");
  }

  @Test
  void configurationIsValidated() {
    assertThatThrownBy(() -> new MetricsConfig(List.of(5, 3), 1)).hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> new MetricsConfig(List.of(0), 1)).hasMessageContaining("positive");
    assertThatThrownBy(() -> new MetricsConfig(List.of(), 1)).hasMessageContaining("at least one cutoff");
    assertThatThrownBy(() -> MetricsConfig.DEFAULT.withRelevanceLevel(0)).hasMessageContaining("at least 1");
    Evaluation evaluation = new Metrics(MetricsConfig.DEFAULT.withCutoffs(List.of(2)))
        .evaluate(Qrels.builder().add("q", "a", 1).build(), Run.builder().add("q", "a", 1).build());
    assertThatThrownBy(() -> evaluation.mean(Metric.parse("ndcg@5"))).hasMessageContaining("[2]");
  }

  @Test
  void metricNamesParseAndPrint() {
    assertThat(Metric.parse("nDCG@5")).isEqualTo(new Metric(Measure.NDCG, 5));
    assertThat(Metric.parse("precision@10")).isEqualTo(new Metric(Measure.PRECISION, 10));
    assertThat(new Metric(Measure.RECALL, 100)).hasToString("Recall@100");
    assertThat(new Metric(Measure.MAP, 3).key()).isEqualTo("map@3");
    assertThatThrownBy(() -> Metric.parse("ndcg")).hasMessageContaining("name@k");
    assertThatThrownBy(() -> Metric.parse("bleu@4")).hasMessageContaining("unknown measure \"bleu\"");
    assertThatThrownBy(() -> Metric.parse("ndcg@x")).hasMessageContaining("not an integer");
    assertThatThrownBy(() -> Metric.parse("ndcg@0")).hasMessageContaining("at least 1");
  }

  @Test
  void mtebNamesAreTheLeaderboardsAndParseBack() {
    assertThat(new Metric(Measure.NDCG, 5).mtebName()).isEqualTo("ndcg_at_5");
    assertThat(new Metric(Measure.PRECISION, 10).mtebName()).isEqualTo("precision_at_10");
    for (Measure measure : Measure.values()) {
      Metric metric = new Metric(measure, 20);
      assertThat(Metric.parse(metric.mtebName())).isEqualTo(metric);
    }
    assertThatThrownBy(() -> Metric.parse("ndcg_at_")).hasMessageContaining("name_at_k");
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
