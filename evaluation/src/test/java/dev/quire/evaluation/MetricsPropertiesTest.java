package dev.quire.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the trec_eval measures over random judgments and rankings. */
class MetricsPropertiesTest {

  private static final Metrics METRICS = new Metrics(MetricsConfig.DEFAULT);

  /** One query: judgments over doc ids d0..d29 and a run over a subset plus unjudged x ids. */
  record QueryCase(Map<String, Integer> judgments, Map<String, Double> scores) {}

  @Provide
  Arbitrary<QueryCase> queries() {
    Arbitrary<Map<String, Integer>> judgments = Arbitraries.maps(
        Arbitraries.integers().between(0, 29).map(i -> "d" + i), Arbitraries.integers().between(-2, 4))
        .ofMinSize(1).ofMaxSize(30);
    Arbitrary<Map<String, Double>> scores = Arbitraries.maps(
        Arbitraries.oneOf(Arbitraries.integers().between(0, 29).map(i -> "d" + i),
            Arbitraries.integers().between(0, 9).map(i -> "x" + i)),
        // Few distinct values: ties are common.
        Arbitraries.of(-1.0, 0.0, 0.5, 1.0, 2.0, 3.25)).ofMaxSize(40);
    return Combinators.combine(judgments, scores).as(QueryCase::new);
  }

  @Property(tries = 500)
  void everyValueIsAFractionBetweenZeroAndOne(@ForAll("queries") QueryCase q) {
    Map<Metric, Double> values = evaluate(q.judgments(), q.scores());
    assertThat(values.values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
  }

  @Property(tries = 500)
  void rankingByRelevanceIsPerfect(@ForAll("queries") QueryCase q) {
    Map<String, Double> perfect = new LinkedHashMap<>();
    q.judgments().forEach((doc, rel) -> perfect.put(doc, (double) rel));
    boolean anyRelevant = q.judgments().values().stream().anyMatch(rel -> rel >= 1);
    Map<Metric, Double> values = evaluate(q.judgments(), perfect);
    for (int k : MetricsConfig.DEFAULT.cutoffs()) {
      double expected = anyRelevant ? 1.0 : 0.0;
      assertThat(values.get(new Metric(Measure.NDCG, k))).isCloseTo(expected, within(1e-12));
      assertThat(values.get(new Metric(Measure.MRR, k))).isEqualTo(expected);
    }
  }

  @Property(tries = 500)
  void insertionOrderNeverMatters(@ForAll("queries") QueryCase q, @ForAll long seed) {
    List<Map.Entry<String, Double>> entries = new ArrayList<>(q.scores().entrySet());
    Collections.shuffle(entries, new Random(seed));
    Map<String, Double> shuffled = new LinkedHashMap<>();
    entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
    assertThat(evaluate(q.judgments(), shuffled)).isEqualTo(evaluate(q.judgments(), q.scores()));
  }

  @Property(tries = 500)
  void equalScoresRankByDocumentIdDescending(@ForAll("queries") QueryCase q) {
    Run.Builder builder = Run.builder().addQuery("q");
    q.scores().forEach((doc, score) -> builder.add("q", doc, score));
    List<ScoredDoc> ranking = builder.build().ranking("q");
    for (int i = 1; i < ranking.size(); i++) {
      ScoredDoc before = ranking.get(i - 1);
      ScoredDoc after = ranking.get(i);
      assertThat(before.score()).isGreaterThanOrEqualTo(after.score());
      if (before.score() == after.score()) {
        assertThat(before.docId().compareTo(after.docId())).isPositive();
      }
    }
  }

  @Property(tries = 500)
  void recallAndRelevantCountGrowWithTheCutoff(@ForAll("queries") QueryCase q) {
    Map<Metric, Double> values = evaluate(q.judgments(), q.scores());
    List<Integer> ks = MetricsConfig.DEFAULT.cutoffs();
    for (int i = 1; i < ks.size(); i++) {
      int a = ks.get(i - 1);
      int b = ks.get(i);
      assertThat(values.get(new Metric(Measure.RECALL, b))).isGreaterThanOrEqualTo(values.get(new Metric(Measure.RECALL, a)));
      assertThat(values.get(new Metric(Measure.PRECISION, b)) * b)
          .isGreaterThanOrEqualTo(values.get(new Metric(Measure.PRECISION, a)) * a - 1e-9);
      assertThat(values.get(new Metric(Measure.MAP, b))).isGreaterThanOrEqualTo(values.get(new Metric(Measure.MAP, a)));
      assertThat(values.get(new Metric(Measure.MRR, b))).isGreaterThanOrEqualTo(values.get(new Metric(Measure.MRR, a)));
    }
  }

  @Property(tries = 500)
  void unjudgedAndNegativeDocumentsCountAsNonRelevant(@ForAll("queries") QueryCase q) {
    // Dropping every document that is not judged relevant from the run can only move relevant
    // documents up, so no measure decreases.
    Map<String, Double> relevantOnly = new LinkedHashMap<>();
    q.scores().forEach((doc, score) -> {
      if (q.judgments().getOrDefault(doc, 0) >= 1) {
        relevantOnly.put(doc, score);
      }
    });
    Map<Metric, Double> all = evaluate(q.judgments(), q.scores());
    Map<Metric, Double> filtered = evaluate(q.judgments(), relevantOnly);
    all.forEach((metric, value) -> assertThat(filtered.get(metric)).as(metric.toString()).isGreaterThanOrEqualTo(value - 1e-12));
  }

  @Property(tries = 500)
  void aHigherRelevanceLevelNeverFindsMoreRelevantDocuments(@ForAll("queries") QueryCase q, @ForAll @IntRange(min = 2, max = 4) int level) {
    Metrics strict = new Metrics(MetricsConfig.DEFAULT.withRelevanceLevel(level));
    Run.Builder builder = Run.builder().addQuery("q");
    q.scores().forEach((doc, score) -> builder.add("q", doc, score));
    List<ScoredDoc> ranking = builder.build().ranking("q");
    Map<Metric, Double> lenient = METRICS.evaluateQuery(q.judgments(), ranking);
    Map<Metric, Double> demanding = strict.evaluateQuery(q.judgments(), ranking);
    for (int k : MetricsConfig.DEFAULT.cutoffs()) {
      Metric p = new Metric(Measure.PRECISION, k);
      assertThat(demanding.get(p)).isLessThanOrEqualTo(lenient.get(p));
      Metric ndcg = new Metric(Measure.NDCG, k);
      assertThat(demanding.get(ndcg)).as("nDCG ignores the relevance level").isEqualTo(lenient.get(ndcg));
    }
  }

  private static Map<Metric, Double> evaluate(Map<String, Integer> judgments, Map<String, Double> scores) {
    Run.Builder builder = Run.builder().addQuery("q");
    scores.forEach((doc, score) -> builder.add("q", doc, score));
    return METRICS.evaluateQuery(judgments, builder.build().ranking("q"));
  }
}
